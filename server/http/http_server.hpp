#pragma once
// The MCP Streamable HTTP transport (every revision on one endpoint), stateless: one endpoint, /mcp, where
// each POST carries one JSON-RPC message and any replica can answer it (no Mcp-Session-Id).
// Requests are answered as application/json, or as text/event-stream when the call asked for
// progress (_meta.progressToken) and the client accepts SSE. The method table is the shared
// mcp::Dispatcher; each request carries its caller's Fini key (Authorization: Bearer) in its
// CallContext for that request only. Also /healthz, /readyz and /metrics.
// Every era on the same endpoint: http/era_status picks a POST's era (its MCP-Protocol-Version
// and _meta), the era checks it once (headers given as data), and the tools/call path
// (http/mcp_post) runs it on the shared mcp::CallEngine; no session in any era.
// Safety: Origin/Host checks (DNS rebinding), a body limit enforced while reading (chunked too),
// keyless large bodies refused before they are read, unambiguous framing (http/framing), a total
// deadline per request, pipelined requests answered in order (http/conn_stream), socket
// timeouts, a cap on requests in flight (503 + Retry-After beyond it) and a bounded thread pool
// whose overflow is answered 503 rather than queued. A client that disconnects cancels its call (and the upstream request).
// Thread-safety: bind() then run() on one thread; drain()/cut_short() from any other.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "common/keyring.hpp"
#include "common/status.hpp"
#include "http/abuse_limits.hpp"
#include "http/access_log.hpp"
#include "http/admission.hpp"
#include "http/auth_gate.hpp"
#include "http/bearer_auth.hpp"
#include "http/http_options.hpp"
#include "http/metrics.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/engine.hpp"
#include "mcp/eras.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace fini::http {

class DisconnectWatch;
class HttpCall;
class Listener;
class OverflowRefuser;

class McpHttpServer {
 public:
  McpHttpServer(HttpOptions options, mcp::Dispatcher& dispatcher);
  ~McpHttpServer();
  McpHttpServer(const McpHttpServer&) = delete;
  McpHttpServer& operator=(const McpHttpServer&) = delete;

  Status bind();  // after it: port() and url()
  int port() const { return port_; }
  std::string url() const;
  // Serves until drain() has stopped accepting and every connection has ended; returns true
  // when every request read was answered.
  bool run();
  // Stop accepting (new connections are refused, requests on open ones get 503), let calls in
  // flight finish within drain_timeout, then cancel the rest; returns once they are answered
  // or abort_grace passed. Idempotent.
  void drain();
  void cut_short();  // end the drain now: cancel what is still running
  bool draining() const { return draining_.load(); }

 private:
  void install_routes();
  bool admit(const httplib::Request& req, httplib::Response& res);
  std::string unauthorized(const httplib::Request& req, httplib::Response& res, const std::string& reason);
  void handle_post(const httplib::Request& req, httplib::Response& res);
  // What handle_post learned about one POST.
  struct Post {
    const httplib::Request& http;
    const std::string* key;     // the caller's Fini key (null: none; anonymous discovery)
    const std::string* reauth;  // the 401 challenge if Fini refuses a key that came in an OAuth token
    bool sse;                   // the client accepts text/event-stream
  };
  // The era of a POST and its check of the request (nullopt: already answered 400/404).
  struct Checked {
    mcp::Era* era;
    std::optional<mcp::Checked> request;  // null for a notification or a response
  };
  std::optional<jsonrpc::Message> parse_post(const httplib::Request& req, httplib::Response& res);
  // Moves a request's params to its era (its id and method stay in `message`).
  std::optional<Checked> check_post(const httplib::Request& req, jsonrpc::Message& message, httplib::Response& res);
  void serve_post(const httplib::Request& req, const jsonrpc::Message& message, Checked checked, const std::string* key,
                  const std::string* reauth, httplib::Response& res);
  void handle_request(mcp::Era& era, mcp::Checked checked, const Post& post, mcp::EngineSlot slot,
                      httplib::Response& res);
  void start_call(mcp::Era& era, mcp::CheckedCall checked, const Post& post, mcp::EngineSlot slot,
                  httplib::Response& res);
  void run_inline(const std::shared_ptr<HttpCall>& call, const mcp::CallEngine::Job& job, const Post& post,
                  mcp::EngineSlot slot, httplib::Response& res);
  void call_done(HttpCall& call, bool raw_key);
  bool refused_key(const std::shared_ptr<HttpCall>& call, const std::string& reauth, httplib::Response& res);
  bool key_admitted(const httplib::Request& req, const std::string& key, httplib::Response& res);
  void reauthenticate(const std::string& challenge, httplib::Response& res);
  void reject(httplib::Response& res, int status, const std::string& reason, const std::string& message,
              int rpc_code = -32600);
  void cancel_call(const jsonrpc::Notification& note, const std::string& key);
  std::string overloaded_response() const;

  HttpOptions options_;
  mcp::Dispatcher& dispatcher_;
  mcp::Eras eras_ = mcp::Eras::stateless(dispatcher_, options_.sealing);  // no session
  Metrics metrics_;
  std::unique_ptr<OverflowRefuser> refuser_;  // before listener_: outlives the task queue
  std::unique_ptr<Listener> listener_;
  int port_ = 0;
  std::atomic<bool> draining_{false};
  BearerAuth bearer_{options_, metrics_};
  Admission admission_{options_, metrics_, bearer_, draining_};
  AccessLog access_log_{metrics_, options_.access_log};
  mcp::CallEngine engine_;  // after what its calls use; SSE calls run on its workers

  std::unique_ptr<DisconnectWatch> watch_;  // last: its thread looks calls up in engine_ until it is joined
};

}  // namespace fini::http
