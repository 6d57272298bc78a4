#include "http/http_server.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <utility>

#include "http/access_log.hpp"
#include "http/admission.hpp"
#include "http/bearer_auth.hpp"
#include "http/disconnect_watch.hpp"
#include "http/edge_listener.hpp"
#include "http/http_call.hpp"
#include "http/refuser.hpp"
#include "http/reject.hpp"
#include "http/request_scope.hpp"
#include "http/routes.hpp"
#include "http/task_queue.hpp"
#include "jsonrpc/message.hpp"

namespace fini::http {

using Json = nlohmann::json;

// What a connection beyond the pool gets, written raw: over TLS nothing (a response needs a
// handshake; the client sees the connection closed), else a 503 like the other refusals.
std::string McpHttpServer::overloaded_response() const {
  if (!options_.tls_cert.empty()) return {};
  const std::string body = json_error_body(kOverloaded, -32000);
  return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: " +
         std::to_string(options_.retry_after_s) +
         "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

namespace {

mcp::EngineOptions engine_options(const HttpOptions& options, Metrics& metrics) {
  mcp::EngineOptions engine;
  engine.workers = std::max<std::size_t>(options.max_in_flight, 1);
  engine.capacity = options.max_in_flight;
  engine.unique_ids = false;           // ids are unique per client; clients may share a key
  engine.release_before_reply = true;  // the connection thread writes the reply after
  engine.not_sent_code = -32000;
  engine.drain_timeout = options.drain_timeout;
  engine.abort_grace = options.abort_grace;
  engine.on_in_flight = [&metrics](long delta) { metrics.in_flight_add(static_cast<int>(delta)); };
  return engine;  // no send_to_client: a stateless POST has no way back for a server→client request
}

}  // namespace

McpHttpServer::McpHttpServer(HttpOptions options, mcp::Dispatcher& dispatcher)
    : options_(std::move(options)), dispatcher_(dispatcher), engine_(engine_options(options_, metrics_)) {
  watch_ = std::make_unique<DisconnectWatch>([this](std::uint64_t serial) {
    auto call = std::static_pointer_cast<HttpCall>(engine_.find(serial));
    if (!call) return;
    call->client_gone = true;
    call->cancel("the client disconnected", /*client_gone=*/false);
  });
}

McpHttpServer::~McpHttpServer() { engine_.shutdown_pool(); }

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
  engine_.shutdown_pool();
  return engine_.idle();
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
std::string McpHttpServer::unauthorized(const httplib::Request& req, httplib::Response& res,
                                        const std::string& reason) {
  return bearer_.unauthorized(req, res, reason);
}
bool McpHttpServer::key_admitted(const httplib::Request& req, const std::string& key, httplib::Response& res) {
  return bearer_.key_admitted(req, key, res);
}
void McpHttpServer::reauthenticate(const std::string& challenge, httplib::Response& res) {
  bearer_.reauthenticate(challenge, res);
}

void McpHttpServer::handle_post(const httplib::Request& req, httplib::Response& res) {
  if (!admit(req, res)) return;
  auto message = parse_post(req, res);
  if (!message) return;
  auto checked = check_post(req, *message, res);
  if (!checked) return;
  const auto* request = std::get_if<jsonrpc::Request>(&*message);
  // The key: malformed → 401 always; missing → 401 unless listing anonymously is allowed.
  auto [has_auth, key, reauth] = bearer_.credential(req);  // reauth: the key came inside an OAuth token
  const bool needs_key =
      request != nullptr && (!options_.anonymous_discovery || mcp::Dispatcher::is_tool_call(request->method));
  if ((has_auth && !key) || (!key && needs_key)) {
    const std::string why = unauthorized(req, res, "unauthorized");
    // A client that reads ids in refusals tells a recognised error from another server's by the body.
    if (checked->era->echoes_id_in_refusals() && request != nullptr) {
      res.set_content(jsonrpc::serialize(jsonrpc::make_error(request->id, jsonrpc::Error{-32001, why, nullptr})),
                      "application/json");
    }
    return;
  }
  const bool probing = request != nullptr && key && !reauth && mcp::Dispatcher::is_tool_call(request->method);
  if (probing && !key_admitted(req, *key, res)) return;
  const KeyProbe probe(options_.limits.get(), probing ? &*key : nullptr);  // ends the key's check, whatever happens
  serve_post(req, *message, std::move(*checked), key ? &*key : nullptr, reauth ? &*reauth : nullptr, res);
}

void McpHttpServer::drain() {
  if (draining_.exchange(true) || !listener_) return;
  spdlog::info("draining: no new connections; {} request(s) in flight", engine_.in_flight());
  listener_->stop_accepting();
  engine_.drain();
}

void McpHttpServer::cut_short() { engine_.cut_short(); }

}  // namespace fini::http
