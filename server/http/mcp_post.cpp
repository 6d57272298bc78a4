// The tools/call path of McpHttpServer: the era's check of a POST, the engine's run of a call
// (inline for plain JSON, on a worker for SSE), the OAuth key's re-authentication, and
// cancellation by the caller's own key. Admission, the key and routing are http_server.cpp's.
#include <httplib.h>

#include "http/disconnect_watch.hpp"
#include "http/era_status.hpp"
#include "http/guards.hpp"
#include "http/http_call.hpp"
#include "http/http_server.hpp"
#include "http/request_scope.hpp"
#include "http/sse_stream.hpp"

namespace fini::http {

// The era of a POST and, for a request, the era's one check of it (its _meta and headers);
// nullopt: already answered (an unsupported version 400; a request its era refuses 400/404).
std::optional<McpHttpServer::Checked> McpHttpServer::check_post(const httplib::Request& req, jsonrpc::Message& message,
                                                                httplib::Response& res) {
  auto* request = std::get_if<jsonrpc::Request>(&message);
  const auto* note = std::get_if<jsonrpc::Notification>(&message);
  static const Json kNone;
  const Json& params = request != nullptr ? request->params : note != nullptr ? note->params : kNone;
  mcp::Era* era = era_for_post(eras_, req, params);
  if (era == nullptr) {
    reject(res, 400, "protocol_version",
           "Bad Request: unsupported MCP-Protocol-Version (supported: 2026-07-28 with _meta, 2025-11-25, 2025-06-18, "
           "2025-03-26, 2024-11-05).");
    return std::nullopt;
  }
  if (request == nullptr) return Checked{era, std::nullopt};
  const auto headers = era->reads_headers() ? std::optional(message_headers(req)) : std::nullopt;
  std::string tool;
  if (mcp::Dispatcher::is_tool_call(request->method) && request->params.is_object()) {
    if (auto name = request->params.find("name"); name != request->params.end() && name->is_string()) {
      tool = name->get<std::string>();
    }
  }
  mcp::Checked checked = era->check(jsonrpc::Request{request->id, request->method, std::move(request->params)},
                                    headers ? &*headers : nullptr);
  if (const auto* refusal = std::get_if<mcp::Refusal>(&checked);
      refusal != nullptr && http_status(refusal->kind) != 200) {
    res.status = http_status(refusal->kind);
    res.set_content(jsonrpc::serialize(refusal->reply), "application/json");
    metrics_.rejected(rejected_reason(refusal->kind));
    return std::nullopt;
  }
  t_info.rpc = request->method;
  t_info.tool = std::move(tool);
  return Checked{era, std::move(checked)};
}

namespace {

// A request's context outside tools/call: its key (or none, with --anonymous-discovery).
class KeyedContext final : public mcp::BasicCallContext {
 public:
  KeyedContext(const mcp::ClientInfo& client, const std::string* key)
      : BasicCallContext(client), key_(key != nullptr ? CallKey(*key) : CallKey()) {}
  const CallKey& call_key() const override { return key_; }

 private:
  CallKey key_;
};

}  // namespace

// One JSON-RPC message per POST; nullopt: already answered (400: not JSON-RPC, or a batch).
std::optional<jsonrpc::Message> McpHttpServer::parse_post(const httplib::Request& req, httplib::Response& res) {
  auto message = jsonrpc::parse_line(req.body);
  if (auto* invalid = std::get_if<jsonrpc::Invalid>(&message)) {
    res.status = 400;
    res.set_content(jsonrpc::serialize(jsonrpc::make_error(invalid->id, invalid->error)), "application/json");
    metrics_.rejected("invalid_json_rpc");
    return std::nullopt;
  }
  if (std::holds_alternative<jsonrpc::Batch>(message)) {
    reject(res, 400, "batch",
           "Invalid Request: JSON-RPC batches are not supported over HTTP; send one message per POST.");
    return std::nullopt;
  }
  return message;
}

// A POST past admission and its key: a notification is accepted (a cancellation cancels the
// caller's own call), a request takes one of the in-flight slots (503 beyond) and is answered.
void McpHttpServer::serve_post(const httplib::Request& req, const jsonrpc::Message& message, Checked checked,
                               const std::string* key, const std::string* reauth, httplib::Response& res) {
  if (!checked.request) {  // a notification or a response: accepted, nothing to answer
    const auto* note = std::get_if<jsonrpc::Notification>(&message);
    if (note != nullptr && key != nullptr) cancel_call(*note, *key);
    res.status = 202;
    return;
  }
  auto slot = engine_.try_acquire();
  if (!slot) {
    res.set_header("Retry-After", std::to_string(options_.retry_after_s));
    reject(res, 503, "capacity", "The server is at capacity; retry shortly.", -32000);
    return;
  }
  t_info.counted = true;
  const Post post{req, key, reauth, accepts(req.get_header_value("Accept"), "text/event-stream")};
  handle_request(*checked.era, std::move(*checked.request), post, std::move(*slot), res);
}

void McpHttpServer::handle_request(mcp::Era& era, mcp::Checked checked, const Post& post, mcp::EngineSlot slot,
                                   httplib::Response& res) {
  if (auto* refusal = std::get_if<mcp::Refusal>(&checked)) {  // an ordinary error reply: 200
    res.set_content(jsonrpc::serialize(refusal->reply), "application/json");
    return;
  }
  auto& call = std::get<mcp::CheckedCall>(checked);
  if (mcp::Dispatcher::is_tool_call(call.request.method) && post.key != nullptr) {
    start_call(era, std::move(call), post, std::move(slot), res);  // takes over the slot
    return;
  }
  KeyedContext ctx(call.client, post.key);  // tools/list shows what this key may do
  res.set_content(jsonrpc::serialize(era.handle(call, ctx)), "application/json");
}

// Counts what Fini said to the call (metrics, and the key-guessing limits for a raw key).
void McpHttpServer::call_done(HttpCall& call, bool raw_key) {
  const int upstream = call.upstream_status.load();
  if (upstream < 0) return;
  metrics_.upstream_done(call.checked.tool, upstream);
  if (options_.limits && raw_key) options_.limits->key_answered(call.call_key().reveal(), upstream);
}

void McpHttpServer::start_call(mcp::Era& era, mcp::CheckedCall checked, const Post& post, mcp::EngineSlot slot,
                               httplib::Response& res) {
  // SSE only when there may be something to stream before the result and the client takes it.
  const bool stream = post.sse && !checked.progress_token.is_null();
  auto call = std::make_shared<HttpCall>(engine_, CallKey(*post.key), std::move(checked), stream);
  const bool raw_key = post.reauth == nullptr;  // a key from a token was checked at sign-in
  mcp::CallEngine::Job job = [this, &era, sink = call.get(), raw_key](mcp::CallContext& ctx) {
    Json reply = era.call_tool(sink->checked, ctx);
    call_done(*sink, raw_key);
    return reply;
  };
  if (!stream && t_conn_sock >= 0) return run_inline(call, job, post, std::move(slot), res);
  if (engine_.start(call, std::move(job), std::move(slot)) == mcp::CallEngine::Started::kNotSent) {
    res.status = 503;
    res.set_header("Retry-After", std::to_string(options_.retry_after_s));
    res.set_content(call->reply.value_or(""), "application/json");
    return;
  }
  if (post.reauth != nullptr && refused_key(call, *post.reauth, res)) return;
  stream_reply(call, stream, res);
}

// A call answered as plain JSON runs on the connection's own thread: handing it to a worker and
// the reply back cost more CPU than the call itself. The disconnect watch stands in for the
// connection thread, which cannot look at its socket while it runs the call.
void McpHttpServer::run_inline(const std::shared_ptr<HttpCall>& call, const mcp::CallEngine::Job& job, const Post& post,
                               mcp::EngineSlot slot, httplib::Response& res) {
  {
    const auto watched = watch_->watch(t_conn_sock, call->serial());
    engine_.run_inline(call, job, std::move(slot));  // the slot is released before httplib writes the reply
  }
  t_info.upstream_status = call->upstream_status.load();
  t_info.client_gone = call->client_gone.load();
  if (post.reauth != nullptr && call->upstream_status.load() == 401) return reauthenticate(*post.reauth, res);
  res.set_content(call->reply.value_or(""), "application/json");
}

// A key that came inside an OAuth token and that Fini refuses must send the client back to
// sign-in: HTTP 401 with the challenge, which needs the status before anything is written. So
// such a call's response starts only once Fini has answered (or the call ended); a client that
// leaves meanwhile cancels the call through the disconnect watch.
bool McpHttpServer::refused_key(const std::shared_ptr<HttpCall>& call, const std::string& reauth,
                                httplib::Response& res) {
  const auto watched = watch_->watch(t_conn_sock, call->serial());
  std::unique_lock lock(call->mutex);
  call->cv.wait(lock, [&] {
    return call->reply.has_value() || (call->upstream_status.load() >= 0 && call->upstream_status.load() != 401);
  });
  t_info.client_gone = call->client_gone.load();
  if (call->upstream_status.load() != 401) return false;
  t_info.upstream_status = 401;
  reauthenticate(reauth, res);
  return true;
}

// notifications/cancelled arrives on its own POST (the SDK does not close the call's connection).
// Request ids are only unique per client, so it cancels only a call made with the same key: a
// caller can never cancel somebody else's call.
void McpHttpServer::cancel_call(const jsonrpc::Notification& note, const std::string& key) {
  if (note.method != "notifications/cancelled" || !note.params.is_object() || !note.params.contains("requestId"))
    return;
  engine_.cancel(CallKey(key).identity(), note.params["requestId"]);  // only the same caller's calls
}

}  // namespace fini::http
