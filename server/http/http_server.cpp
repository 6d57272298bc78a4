#include "http/http_server.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <deque>
#include <limits>
#include <optional>
#include <thread>
#include <utility>

#include "http/access_log.hpp"
#include "http/admission.hpp"
#include "http/bearer_auth.hpp"
#include "http/disconnect_watch.hpp"
#include "http/edge_listener.hpp"
#include "http/guards.hpp"
#include "http/modern_http.hpp"
#include "http/refuser.hpp"
#include "http/reject.hpp"
#include "http/request_scope.hpp"
#include "http/routes.hpp"
#include "http/task_queue.hpp"
#include "jsonrpc/message.hpp"

namespace fini::http {

using Json = nlohmann::json;

namespace {

std::string sse_event(const std::string& data) { return "event: message\ndata: " + data + "\n\n"; }

}  // namespace

// One tools/call: the worker runs it; the connection thread streams what it produces.
struct McpHttpServer::Call {
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<std::string> events;  // SSE notifications not yet written
  std::optional<std::string> reply;
  std::atomic<int> upstream_status{-1};
  CancelToken cancel;  // client disconnect, notifications/cancelled, or the end of the drain
  std::atomic<bool> client_gone{false};
  std::string request_id;  // the JSON-RPC id, serialized
  std::string key;         // whose call it is (request-scoped, like the request itself)
};

class McpHttpServer::CallCtx final : public mcp::BasicCallContext {
 public:
  CallCtx(std::shared_ptr<Call> call, std::string key, Json progress_token)
      : BasicCallContext(client_), call_(std::move(call)), key_(std::move(key)), progress_token_(std::move(progress_token)) {
    client_.stateless = true;  // a legacy-era call: nothing can be asked mid-call
  }
  const CancelToken& cancel_token() const override { return call_->cancel; }
  const CallKey& call_key() const override { return key_; }
  void upstream_answered(int status) override {
    {
      std::lock_guard lock(call_->mutex);
      call_->upstream_status = status;
    }
    call_->cv.notify_all();  // a token call waits for Fini's verdict on the key (refused_key)
  }
  void progress(double value, std::optional<double> total, const std::string& message) override {
    if (progress_token_.is_null()) return;  // no SSE stream for this call
    Json params{{"progressToken", progress_token_}, {"progress", value}};
    if (total) params["total"] = *total;
    if (!message.empty()) params["message"] = message;
    std::lock_guard lock(call_->mutex);
    if (call_->reply || value <= last_progress_) return;  // monotonic, never after the reply
    last_progress_ = value;
    call_->events.push_back(sse_event(jsonrpc::serialize(jsonrpc::make_notification("notifications/progress", params))));
    call_->cv.notify_all();
  }

 private:
  mcp::ClientInfo client_;  // stateless: no declared capabilities (no elicitation)
  std::shared_ptr<Call> call_;
  CallKey key_;
  Json progress_token_;
  double last_progress_ = -std::numeric_limits<double>::infinity();
};

// What a connection beyond the pool gets, written raw: over TLS nothing (a response needs a
// handshake; the client sees the connection closed), else a 503 like the other refusals.
std::string McpHttpServer::overloaded_response() const {
  if (!options_.tls_cert.empty()) return {};
  const std::string body = json_error_body(kOverloaded, -32000);
  return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: " +
         std::to_string(options_.retry_after_s) + "\r\nConnection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

McpHttpServer::McpHttpServer(HttpOptions options, mcp::Dispatcher& dispatcher)
    : options_(std::move(options)), dispatcher_(dispatcher), tools_pool_(std::max<std::size_t>(options_.max_in_flight, 1)) {
  watch_ = std::make_unique<DisconnectWatch>([this](std::uint64_t id) {
    std::shared_ptr<Call> call;
    {
      std::lock_guard lock(mutex_);
      if (auto it = calls_.find(id); it != calls_.end()) call = it->second.lock();
    }
    if (!call) return;
    call->client_gone = true;
    call->cancel.cancel("the client disconnected");
  });
}

McpHttpServer::~McpHttpServer() { tools_pool_.shutdown(); }

std::string McpHttpServer::url() const {
  const bool tls = !options_.tls_cert.empty();
  const std::string host = options_.host.find(':') != std::string::npos ? "[" + options_.host + "]" : options_.host;
  return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(port_) + "/mcp";
}

Status McpHttpServer::bind() {
  using std::chrono::seconds;
  metrics_.set_known_tools(dispatcher_.tool_names());  // the providers are set by now
  refuser_ = std::make_unique<OverflowRefuser>(overloaded_response(), std::chrono::milliseconds(1000));
  const EdgeLimits limits{seconds(options_.read_timeout_s), seconds(options_.write_timeout_s),
                          seconds(options_.keep_alive_timeout_s), seconds(options_.request_timeout_s)};
  EdgeHooks hooks{[this](int sock) { refuser_->linger(sock); }, [this] { metrics_.rejected("request_timeout"); }};
  if (!options_.tls_cert.empty() || !options_.tls_key.empty()) {
    if (options_.tls_cert.empty() || options_.tls_key.empty()) {
      return invalid_argument("--tls-cert and --tls-key go together");
    }
    listener_ = make_tls_edge_listener(limits, std::move(hooks), options_.tls_cert, options_.tls_key);
    if (!listener_) return invalid_argument("cannot load the TLS certificate or key (--tls-cert/--tls-key)");
  } else {
    listener_ = make_edge_listener(limits, std::move(hooks));
  }
  auto& svr = listener_->server();
  const std::size_t threads = options_.threads > 0 ? options_.threads : options_.max_in_flight + 32;
  const std::size_t overflow = std::max<std::size_t>(options_.overflow_threads, 1);
  svr.new_task_queue = [this, threads, overflow] {
    return new BoundedTaskQueue(threads, overflow, [this](int sock) {
      refuser_->refuse(sock);
      metrics_.rejected("overloaded");
      return true;
    });
  };
  svr.set_payload_max_length(options_.max_body_bytes);
  install_routes();
  if (options_.port == 0) {
    port_ = svr.bind_to_any_port(options_.host);
    if (port_ <= 0) return unavailable("cannot listen on " + options_.host);
  } else {
    if (!svr.bind_to_port(options_.host, options_.port)) {
      return unavailable("cannot listen on " + options_.host + ":" + std::to_string(options_.port));
    }
    port_ = options_.port;
  }
  admission_.set_port(port_);
  listener_->raise_backlog();
  return {};
}

bool McpHttpServer::run() {
  listener_->server().listen_after_bind();
  tools_pool_.shutdown();
  return in_flight_.load() == 0;
}

void McpHttpServer::install_routes() {
  auto& svr = listener_->server();
  svr.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    return admission_.pre_routing(req, res) ? httplib::Server::HandlerResponse::Handled
                                            : httplib::Server::HandlerResponse::Unhandled;
  });
  svr.Post("/mcp", [this](const httplib::Request& req, httplib::Response& res) { handle_post(req, res); });
  install_service_routes(svr, options_, metrics_, draining_);
  svr.set_logger([this](const httplib::Request& req, const httplib::Response& res) { access_log_.log(req, res); });
}

// The edge's pieces as the call path reaches them.
void McpHttpServer::reject(httplib::Response& res, int status, const std::string& reason, const std::string& message,
                           int rpc_code) {
  http::reject(metrics_, res, status, reason, message, rpc_code);
}
bool McpHttpServer::admit(const httplib::Request& req, httplib::Response& res) { return admission_.admit(req, res); }
std::string McpHttpServer::unauthorized(const httplib::Request& req, httplib::Response& res, const std::string& reason) {
  return bearer_.unauthorized(req, res, reason);
}
bool McpHttpServer::key_admitted(const httplib::Request& req, const std::string& key, httplib::Response& res) {
  return bearer_.key_admitted(req, key, res);
}
void McpHttpServer::reauthenticate(const std::string& challenge, httplib::Response& res) {
  bearer_.reauthenticate(challenge, res);
}

// Whether a POST speaks 2026-07-28 (true) or a legacy revision (false), after the checks its
// era makes before anything runs; nullopt: already answered (400/404).
std::optional<bool> McpHttpServer::era_of(const httplib::Request& req, const jsonrpc::Request* request,
                                          const jsonrpc::Notification* note, httplib::Response& res) {
  const std::optional<std::string> version =
      req.has_header("MCP-Protocol-Version") ? std::optional(req.get_header_value("MCP-Protocol-Version")) : std::nullopt;
  const bool modern = (request != nullptr && is_modern_post(version, request->params)) ||
                      (note != nullptr && is_modern_post(version, note->params));
  if (!modern && !protocol_version(version.value_or(""), version.has_value())) {
    reject(res, 400, "protocol_version",
           "Bad Request: unsupported MCP-Protocol-Version (supported: 2026-07-28 with _meta, 2025-11-25, 2025-06-18, "
           "2025-03-26, 2024-11-05).");
    return std::nullopt;
  }
  if (modern && request != nullptr && !check_modern(req, *request, res)) return std::nullopt;
  return modern;
}

// A modern POST's headers and _meta (2026-07-28 order), then its routing; false: answered.
bool McpHttpServer::check_modern(const httplib::Request& req, const jsonrpc::Request& request, httplib::Response& res) {
  auto header = [&](const char* name) -> std::optional<std::string> {
    if (!req.has_header(name)) return std::nullopt;
    return req.get_header_value(name);
  };
  std::optional<Json> reply;
  if (auto bad = check_modern_headers(ModernHeaders{header("MCP-Protocol-Version"), header("Mcp-Method"), header("Mcp-Name")},
                                      request)) {
    reply = jsonrpc::make_error(request.id, *bad);
  } else {
    reply = modern_.check(request);
  }
  if (!reply) return true;
  const int code = (*reply)["error"].value("code", 0);
  res.status = code == jsonrpc::kMethodNotFound ? 404 : 400;
  res.set_content(jsonrpc::serialize(*reply), "application/json");
  metrics_.rejected(code == jsonrpc::kMethodNotFound ? "method_not_found" : "modern_request");
  return false;
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

// RAII: one of the max_in_flight slots, released when the work (not the response) ends.
class Slot {
 public:
  Slot(std::atomic<long>& count, Metrics& metrics, std::condition_variable& idle, std::mutex& mutex)
      : count_(count), metrics_(metrics), idle_(idle), mutex_(mutex) {}
  ~Slot() {
    {
      std::lock_guard lock(mutex_);
      --count_;
    }
    metrics_.in_flight_add(-1);
    idle_.notify_all();
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  std::atomic<long>& count_;
  Metrics& metrics_;
  std::condition_variable& idle_;
  std::mutex& mutex_;
};

}  // namespace

void McpHttpServer::handle_post(const httplib::Request& req, httplib::Response& res) {
  if (!admit(req, res)) return;
  auto message = jsonrpc::parse_line(req.body);
  if (auto* invalid = std::get_if<jsonrpc::Invalid>(&message)) {
    res.status = 400;
    res.set_content(jsonrpc::serialize(jsonrpc::make_error(invalid->id, invalid->error)), "application/json");
    metrics_.rejected("invalid_json_rpc");
    return;
  }
  if (std::holds_alternative<jsonrpc::Batch>(message)) {
    reject(res, 400, "batch", "Invalid Request: JSON-RPC batches are not supported over HTTP; send one message per POST.");
    return;
  }
  const auto* request = std::get_if<jsonrpc::Request>(&message);
  const auto* note = std::get_if<jsonrpc::Notification>(&message);
  const auto era = era_of(req, request, note, res);
  if (!era) return;
  const bool modern = *era;
  if (request != nullptr) {
    t_info.rpc = request->method;
    if (mcp::Dispatcher::is_tool_call(request->method) && request->params.is_object() &&
        request->params.contains("name") && request->params["name"].is_string()) {
      t_info.tool = request->params["name"].get<std::string>();
    }
  }
  // The key: malformed → 401 always; missing → 401 unless listing anonymously is allowed.
  auto [has_auth, key, reauth] = bearer_.credential(req);  // reauth: the key came inside an OAuth token
  const bool needs_key = request != nullptr && (!options_.anonymous_discovery || mcp::Dispatcher::is_tool_call(request->method));
  if ((has_auth && !key) || (!key && needs_key)) {
    const std::string why = unauthorized(req, res, "unauthorized");
    // A modern client tells a recognised error from a legacy server's by the body: echo the id.
    if (modern && request != nullptr) {
      res.set_content(jsonrpc::serialize(jsonrpc::make_error(request->id, jsonrpc::Error{-32001, why, nullptr})),
                      "application/json");
    }
    return;
  }
  const bool probing = request != nullptr && key && !reauth && mcp::Dispatcher::is_tool_call(request->method);
  if (probing && !key_admitted(req, *key, res)) return;
  const KeyProbe probe(options_.limits.get(), probing ? &*key : nullptr);  // ends the key's check, whatever happens
  if (request == nullptr) {  // a notification or a response: accepted, nothing to answer
    if (note != nullptr && key) cancel_call(*note, *key);
    res.status = 202;
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (in_flight_.load() >= static_cast<long>(options_.max_in_flight)) {
      res.set_header("Retry-After", std::to_string(options_.retry_after_s));
      reject(res, 503, "capacity", "The server is at capacity; retry shortly.", -32000);
      return;
    }
    ++in_flight_;
  }
  metrics_.in_flight_add(1);
  t_info.counted = true;
  const bool sse = accepts(req.get_header_value("Accept"), "text/event-stream");
  const Post post{req, key ? &*key : nullptr, reauth ? &*reauth : nullptr, sse, modern};
  handle_request(*request, post, res);
}

void McpHttpServer::handle_request(const jsonrpc::Request& request, const Post& post, httplib::Response& res) {
  if (mcp::Dispatcher::is_tool_call(request.method) && !dispatcher_.check_call(request) && post.key != nullptr) {
    start_call(request, post, res);  // takes over the slot
    return;
  }
  Slot slot(in_flight_, metrics_, idle_cv_, mutex_);
  mcp::ClientInfo client;  // stateless: nothing declared (no elicitation, no sampling)
  KeyedContext ctx(client, post.key);
  mcp::Caller caller;
  caller.context = &ctx;  // tools/list shows what this key may do
  // logging/setLevel: accepted; a stateless server has no session to keep a level for.
  Json reply = post.modern ? modern_.handle(request, ctx) : dispatcher_.handle(request, caller);
  if (post.modern) res.status = mcp::ModernEra::http_status(reply);
  res.set_content(jsonrpc::serialize(reply), "application/json");
}

// A call answered as plain JSON runs on the connection's own thread: handing it to a worker and
// the reply back cost more CPU than the call itself. The disconnect watch stands in for the
// connection thread, which cannot look at its socket while it runs the call.
void McpHttpServer::run_inline(const jsonrpc::Request& request, const Post& post, Call& call, CallCtx& ctx,
                               std::uint64_t id, httplib::Response& res) {
  std::string reply;
  {
    const auto watched = watch_->watch(t_conn_sock, id);
    reply = jsonrpc::serialize(post.modern ? modern_.call_tool(request, ctx) : dispatcher_.call_tool(request, ctx));
  }
  const int upstream = call.upstream_status.load();
  if (upstream >= 0) metrics_.upstream_done(t_info.tool, upstream);
  if (upstream >= 0 && options_.limits && post.reauth == nullptr) options_.limits->key_answered(call.key, upstream);
  {
    std::lock_guard lock(mutex_);
    calls_.erase(id);
  }
  t_info.upstream_status = upstream;
  t_info.client_gone = call.client_gone.load();
  if (post.reauth != nullptr && upstream == 401) return reauthenticate(*post.reauth, res);
  res.set_content(reply, "application/json");
}

void McpHttpServer::start_call(const jsonrpc::Request& request, const Post& post, httplib::Response& res) {
  const std::string& key = *post.key;
  const bool sse = post.sse;
  const bool modern = post.modern;
  auto call = std::make_shared<Call>();
  Json token;
  if (auto meta = request.params.find("_meta"); meta != request.params.end() && meta->is_object()) {
    if (auto t = meta->find("progressToken"); t != meta->end() && (t->is_string() || t->is_number_integer())) token = *t;
  }
  // SSE only when there may be something to stream before the result and the client takes it.
  const bool stream = sse && !token.is_null();
  auto ctx = std::make_shared<CallCtx>(call, key, stream ? token : Json());
  call->request_id = request.id.dump();
  call->key = key;
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = next_call_++;
    calls_[id] = call;
  }
  auto slot = std::make_shared<Slot>(in_flight_, metrics_, idle_cv_, mutex_);
  const std::string tool = t_info.tool;
  if (!stream && t_conn_sock >= 0) {
    run_inline(request, post, *call, *ctx, id, res);
    return;  // the slot is released here, before httplib writes the reply
  }
  const bool raw_key = post.reauth == nullptr;  // a key from a token was checked at sign-in
  auto job = [this, call, ctx, request, slot, id, tool, modern, raw_key]() mutable {
    std::string reply = jsonrpc::serialize(modern ? modern_.call_tool(request, *ctx) : dispatcher_.call_tool(request, *ctx));
    if (call->upstream_status.load() >= 0) metrics_.upstream_done(tool, call->upstream_status.load());
    if (call->upstream_status.load() >= 0 && options_.limits && raw_key) {
      options_.limits->key_answered(call->key, call->upstream_status.load());
    }
    {
      std::lock_guard lock(mutex_);
      calls_.erase(id);
    }
    ctx.reset();
    // The slot goes before the reply is published: a client answered at once may send its next
    // request immediately, and must not find its own finished call still counted. (The drain
    // still waits for the reply: run() returns only once every connection thread has written.)
    slot.reset();
    {
      std::lock_guard lock(call->mutex);
      call->reply = std::move(reply);
    }
    call->cv.notify_all();
  };
  if (cut_short_.load() || !tools_pool_.submit(job)) {
    std::lock_guard lock(mutex_);
    calls_.erase(id);
    res.status = 503;
    res.set_header("Retry-After", std::to_string(options_.retry_after_s));
    res.set_content(json_error_body("The server is shutting down; the request was not sent to Fini.", -32000),
                    "application/json");
    return;
  }
  if (post.reauth != nullptr && refused_key(call, id, *post.reauth, res)) return;
  if (stream) {
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");  // nginx: do not buffer this stream
  }
  res.set_chunked_content_provider(
      stream ? "text/event-stream" : "application/json",
      [call, stream](std::size_t, httplib::DataSink& sink) {
        std::unique_lock lock(call->mutex);
        for (;;) {
          while (!call->events.empty()) {
            std::string event = std::move(call->events.front());
            call->events.pop_front();
            lock.unlock();
            if (!sink.write(event.data(), event.size())) {
              call->cancel.cancel("the client disconnected");
              t_info.client_gone = true;
              return false;
            }
            lock.lock();
          }
          if (call->reply) {
            const std::string out = stream ? sse_event(*call->reply) : *call->reply;
            t_info.upstream_status = call->upstream_status.load();
            lock.unlock();
            if (!sink.write(out.data(), out.size())) {
              t_info.client_gone = true;
              return false;
            }
            sink.done();
            return true;
          }
          if (call->cv.wait_for(lock, std::chrono::milliseconds(200), [&] { return call->reply || !call->events.empty(); })) {
            continue;
          }
          // Nothing yet: is the client still there? A closed connection cancels the call, which
          // aborts its upstream request (the cancel token reaches the socket).
          lock.unlock();
          if (!sink.is_writable()) {
            call->cancel.cancel("the client disconnected");
            t_info.client_gone = true;
            t_info.upstream_status = call->upstream_status.load();
            return false;
          }
          lock.lock();
        }
      });
}

// A key that came inside an OAuth token and that Fini refuses must send the client back to
// sign-in: HTTP 401 with the challenge, which needs the status before anything is written. So
// such a call's response starts only once Fini has answered (or the call ended); a client that
// leaves meanwhile cancels the call through the disconnect watch.
bool McpHttpServer::refused_key(const std::shared_ptr<Call>& call, std::uint64_t id, const std::string& reauth,
                                httplib::Response& res) {
  const auto watched = watch_->watch(t_conn_sock, id);
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
  if (note.method != "notifications/cancelled" || !note.params.is_object() || !note.params.contains("requestId")) return;
  const std::string id = note.params["requestId"].dump();
  std::vector<std::shared_ptr<Call>> matched;
  {
    std::lock_guard lock(mutex_);
    for (auto& [n, weak] : calls_) {
      if (auto call = weak.lock(); call && call->request_id == id && call->key == key) matched.push_back(call);
    }
  }
  for (auto& call : matched) call->cancel.cancel("cancelled by the client");
}

void McpHttpServer::drain() {
  if (draining_.exchange(true) || !listener_) return;
  spdlog::info("draining: no new connections; {} request(s) in flight", in_flight_.load());
  listener_->stop_accepting();
  std::unique_lock lock(mutex_);
  idle_cv_.wait_for(lock, options_.drain_timeout, [&] { return in_flight_.load() == 0 || cut_short_.load(); });
  if (in_flight_.load() == 0) return;
  lock.unlock();
  cut_short();
  lock.lock();
  idle_cv_.wait_for(lock, options_.abort_grace, [&] { return in_flight_.load() == 0; });
}

void McpHttpServer::cut_short() {
  cut_short_ = true;
  idle_cv_.notify_all();
  std::vector<std::shared_ptr<Call>> running;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, weak] : calls_) {
      if (auto call = weak.lock()) running.push_back(call);
    }
  }
  for (auto& call : running) call->cancel.cancel("the server is shutting down");
}

}  // namespace fini::http
