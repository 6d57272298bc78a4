#pragma once
// The MCP Streamable HTTP transport (revision 2025-11-25), stateless: one endpoint, /mcp, where
// each POST carries one JSON-RPC message and any replica can answer it (no Mcp-Session-Id).
// Requests are answered as application/json, or as text/event-stream when the call asked for
// progress (_meta.progressToken) and the client accepts SSE. The method table is the shared
// mcp::Dispatcher; each request carries its caller's Fini key (Authorization: Bearer) in its
// CallContext for that request only. Also /healthz, /readyz and /metrics.
// Revision 2026-07-28 on the same endpoint: a POST whose MCP-Protocol-Version or _meta names it
// is checked by http/modern_http (headers) and served by mcp::ModernEra (no session either way).
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
#include "mcp/modern_era.hpp"
#include "mcp/worker_pool.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace fini::http {

class DisconnectWatch;
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
  struct Call;
  class CallCtx;

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
    bool modern;                // revision 2026-07-28
  };
  void handle_request(const jsonrpc::Request& request, const Post& post, httplib::Response& res);
  void start_call(const jsonrpc::Request& request, const Post& post, httplib::Response& res);
  void run_inline(const jsonrpc::Request& request, const Post& post, Call& call, CallCtx& ctx, std::uint64_t id,
                  httplib::Response& res);
  std::optional<bool> era_of(const httplib::Request& req, const jsonrpc::Request* request,
                             const jsonrpc::Notification* note, httplib::Response& res);
  bool check_modern(const httplib::Request& req, const jsonrpc::Request& request, httplib::Response& res);
  bool refused_key(const std::shared_ptr<Call>& call, std::uint64_t id, const std::string& reauth,
                   httplib::Response& res);
  bool key_admitted(const httplib::Request& req, const std::string& key, httplib::Response& res);
  void reauthenticate(const std::string& challenge, httplib::Response& res);
  void reject(httplib::Response& res, int status, const std::string& reason, const std::string& message,
              int rpc_code = -32600);
  void cancel_call(const jsonrpc::Notification& note, const std::string& key);
  std::string overloaded_response() const;

  HttpOptions options_;
  mcp::Dispatcher& dispatcher_;
  mcp::ModernEra modern_{dispatcher_, options_.sealing};  // 2026-07-28 POSTs: no session, the version in each request
  Metrics metrics_;
  std::unique_ptr<OverflowRefuser> refuser_;  // before listener_: outlives the task queue
  std::unique_ptr<Listener> listener_;
  int port_ = 0;
  mcp::WorkerPool tools_pool_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> cut_short_{false};
  BearerAuth bearer_{options_, metrics_};
  Admission admission_{options_, metrics_, bearer_, draining_};
  AccessLog access_log_{metrics_, options_.access_log};
  std::atomic<long> in_flight_{0};
  std::mutex mutex_;
  std::condition_variable idle_cv_;
  std::map<std::uint64_t, std::weak_ptr<Call>> calls_;
  std::uint64_t next_call_ = 1;
  std::unique_ptr<DisconnectWatch> watch_;  // last: its thread looks calls_ up until it is joined
};

}  // namespace fini::http
