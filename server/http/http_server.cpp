#include "http/http_server.hpp"

#include <httplib.h>
#include <fcntl.h>
#include <malloc.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <type_traits>

#include <cstdio>
#include <deque>
#include <limits>
#include <list>
#include <optional>
#include <thread>
#include <utility>

#include "http/accept_hook.hpp"
#include "http/body_reader.hpp"
#include "http/conn_stream.hpp"
#include "http/disconnect_watch.hpp"
#include "http/era_status.hpp"
#include "http/framing.hpp"
#include "http/guards.hpp"
#include "http/refuser.hpp"
#include "http/request_context.hpp"
#include "http/sse_stream.hpp"
#include "http/http_call.hpp"
#include "jsonrpc/message.hpp"
#include "common/redact.hpp"

namespace fini::http {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

thread_local RequestInfo t_info;
thread_local bool t_overflow = false;  // this connection landed on an overflow thread
thread_local int t_conn_sock = -1;      // the socket this thread serves (-1: unknown)

// The plain-HTTP connection this thread serves, for the pre-routing handler, which reads the
// body itself (bounded) and says whether the connection may carry another request.
struct ConnState {
  ConnStream* stream = nullptr;
  bool keep = false;  // the request was framed and read to its end
};
thread_local ConnState t_conn;

constexpr std::size_t kHeadBudget = 64 * 1024;       // request line and headers
constexpr std::size_t kOAuthBodyLimit = 32 * 1024;   // forms and registrations are small
constexpr std::size_t kSmallBody = 16 * 1024;        // read even without a key (the 401 echoes the id)
constexpr std::size_t kKeylessBodyLimit = 64 * 1024; // --anonymous-discovery: initialize, ping, lists
constexpr std::size_t kTrimAfter = 1 << 20;          // give memory back after requests this big

// httplib's thread pool queues connections without bound; this one runs at most `threads` of
// them and refuses the rest at once: the refuser answers 503 without reading the request (so a
// slow client cannot hold it). Should the accept hook not have seen the socket, a few overflow
// threads answer 503 after reading the request instead.
class BoundedTaskQueue final : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(std::size_t threads, std::size_t overflow, std::function<bool(int)> refuse)
      : limit_(threads), refuse_(std::move(refuse)) {
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { loop(main_, false); });
    for (std::size_t i = 0; i < overflow; ++i) threads_.emplace_back([this] { loop(overflow_, true); });
  }
  void enqueue(std::function<void()> fn) override {
    {
      std::lock_guard lock(mutex_);
      if (active_ < limit_) {
        ++active_;
        main_.push_back([fn = std::move(fn), sock = take_last_accepted_socket()] {
          t_conn_sock = sock;
          fn();
          t_conn_sock = -1;
        });
      } else if (const int sock = take_last_accepted_socket(); sock >= 0 && refuse_(sock)) {
        return;  // `fn` only held the socket, which the refuser now owns
      } else {
        overflow_.push_back(std::move(fn));
      }
    }
    cv_.notify_all();
  }
  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

 private:
  void loop(std::deque<std::function<void()>>& jobs, bool overflow) {
    t_overflow = overflow;
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return stopping_ || !jobs.empty(); });
        if (jobs.empty()) return;
        fn = std::move(jobs.front());
        jobs.pop_front();
      }
      fn();
      if (!overflow) {
        std::lock_guard lock(mutex_);
        --active_;
      }
    }
  }
  const std::size_t limit_;
  const std::function<bool(int)> refuse_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> main_, overflow_;
  std::size_t active_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

std::string json_error_body(const std::string& message, int code) {
  return jsonrpc::serialize(jsonrpc::make_error(nullptr, jsonrpc::Error{code, message, nullptr}));
}

constexpr const char* kOverloaded = "The server is at capacity; retry shortly.";

std::string json_escape(const std::string& s) { return Json(s).dump(-1, ' ', false, Json::error_handler_t::replace); }

// httplib writes `Connection: close` when the request asked for it: the server closes after this.
void close_after(httplib::Request& req) {
  req.headers.erase("Connection");
  req.headers.emplace("Connection", "close");
}

// The body is ours now (read, or never to be read): httplib must not read one.
void no_body(httplib::Request& req) {
  req.headers.erase("Transfer-Encoding");
  req.headers.erase("Content-Length");
  req.headers.emplace("Content-Length", "0");
}

}  // namespace

RequestInfo& request_info() { return t_info; }
int connection_socket() { return t_conn_sock; }

// httplib's Server or SSLServer, able to stop accepting without ending streams in progress
// (httplib's stop() marks the server stopped, which cuts chunked responses mid-way).
struct McpHttpServer::Listener {
  virtual ~Listener() = default;
  virtual httplib::Server& server() = 0;
  virtual void stop_accepting() = 0;
  virtual void raise_backlog() = 0;
};

namespace {

// httplib's request parser and routing on our connection loop and stream (http/conn_stream):
// pipelined requests are answered in order, each request has a total read deadline, and a
// connection whose request was refused with its body unread is closed after the response
// (lingering so the client can read it), never parsed on from the middle of a body. `Base` is
// httplib::Server, or SSLServer (the TLS handshake is ours too, so the same loop serves both).
template <class Base>
class EdgeListener final : public Base, public McpHttpServer::Listener {
 public:
  struct Limits {
    std::chrono::milliseconds read_timeout, write_timeout, keep_alive, request_timeout;
  };
  // `linger` takes a socket to close gracefully; `timed_out` counts a request line never received in time.
  template <class... Args>
  EdgeListener(Limits limits, std::function<void(int)> linger, std::function<void()> timed_out, Args&&... args)
      : Base(std::forward<Args>(args)...), limits_(limits), linger_(std::move(linger)), timed_out_(std::move(timed_out)) {}
  httplib::Server& server() override { return *this; }
  // shutdown() on the listening socket refuses new connections and makes accept() fail, so
  // httplib's loop ends and joins its connection threads, which finish what they are serving.
  void stop_accepting() override { ::shutdown(this->svr_sock_.load(), SHUT_RDWR); }
  // cpp-httplib 0.11 listens with a backlog of 5: a burst of new connections (clients starting
  // together, a proxy refilling its pool) overflows it. listen() again only raises the backlog.
  void raise_backlog() override { ::listen(this->svr_sock_.load(), SOMAXCONN); }

 private:
  static constexpr bool kTls = std::is_same_v<Base, httplib::SSLServer>;
  enum class Ending { kClose, kLinger, kFailed };
  using SslPtr = std::unique_ptr<SSL, decltype(&SSL_free)>;

  bool process_and_close_socket(int sock) override {
    SslPtr ssl(nullptr, SSL_free);
    if constexpr (kTls) ssl = accept_tls(sock);
    Ending end = Ending::kFailed;
    if (!kTls || ssl) {
      ConnStream stream(sock, limits_.read_timeout, limits_.write_timeout, ssl.get());
      end = serve(stream, ssl.get());
    }
    if (ssl && end != Ending::kFailed) SSL_shutdown(ssl.get());  // close_notify; the peer's is not awaited
    ssl.reset();
    if (end == Ending::kLinger) {
      linger_(sock);  // the client may still be sending
      return true;
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return end == Ending::kClose;
  }

  // The handshake on a non-blocking socket, within the read timeout; null on failure.
  SslPtr accept_tls(int sock) {
    SslPtr ssl(SSL_new(this->ssl_context()), SSL_free);
    if (!ssl || SSL_set_fd(ssl.get(), sock) != 1) return SslPtr(nullptr, SSL_free);
    ::fcntl(sock, F_SETFL, ::fcntl(sock, F_GETFL) | O_NONBLOCK);
    const auto deadline = Clock::now() + limits_.read_timeout;
    for (;;) {
      const int rc = SSL_accept(ssl.get());
      if (rc == 1) return ssl;
      const int err = SSL_get_error(ssl.get(), rc);
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd p{sock, static_cast<short>(err == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN), 0};
      if ((err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) || left.count() <= 0 ||
          ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
        return SslPtr(nullptr, SSL_free);
      }
    }
  }

  Ending serve(ConnStream& stream, SSL* ssl) {
    bool ok = false;
    const std::function<void(httplib::Request&)> setup = [ssl](httplib::Request& req) {
      if constexpr (kTls) req.ssl = ssl;
    };
    for (std::size_t left = this->keep_alive_max_count_; left > 0; --left) {
      if (this->svr_sock_.load() == INVALID_SOCKET || !stream.wait_request(limits_.keep_alive)) break;
      stream.begin_request(ConnStream::Clock::now() + limits_.request_timeout, kHeadBudget);
      t_conn = ConnState{&stream, false};
      bool closed = false;
      ok = this->process_request(stream, left == 1, closed, setup);
      const bool keep = t_conn.keep;
      t_conn = ConnState{};
      if (!ok && stream.timed_out() && stream.request_bytes() > 0) {  // httplib writes nothing then
        static constexpr std::string_view k408 =
            "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
        stream.write(k408.data(), k408.size());
        timed_out_();
        return Ending::kLinger;
      }
      if (stream.request_bytes() > kTrimAfter) ::malloc_trim(0);  // a big body's pages go back
      if (ok && !keep) return Ending::kLinger;
      if (!ok || closed) break;
    }
    return ok ? Ending::kClose : Ending::kFailed;
  }

  const Limits limits_;
  const std::function<void(int)> linger_;
  const std::function<void()> timed_out_;
};

}  // namespace

// What a connection beyond the pool gets, written raw: over TLS nothing (a response needs a
// handshake; the client sees the connection closed), else a 503 like the other refusals.
std::string McpHttpServer::overloaded_response() const {
  if (!options_.tls_cert.empty()) return {};
  const std::string body = json_error_body(kOverloaded, -32000);
  return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: " +
         std::to_string(options_.retry_after_s) + "\r\nConnection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

namespace {

mcp::EngineOptions engine_options(const HttpOptions& options, Metrics& metrics) {
  mcp::EngineOptions engine;
  engine.workers = std::max<std::size_t>(options.max_in_flight, 1);
  engine.capacity = options.max_in_flight;
  engine.unique_ids = false;            // ids are unique per client; clients may share a key
  engine.release_before_reply = true;   // the connection thread writes the reply after
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
  using Plain = EdgeListener<httplib::Server>;
  using Tls = EdgeListener<httplib::SSLServer>;
  refuser_ = std::make_unique<OverflowRefuser>(overloaded_response(), std::chrono::milliseconds(1000));
  const Plain::Limits limits{seconds(options_.read_timeout_s), seconds(options_.write_timeout_s),
                             seconds(options_.keep_alive_timeout_s), seconds(options_.request_timeout_s)};
  auto linger = [this](int sock) { refuser_->linger(sock); };
  auto timed_out = [this] { metrics_.rejected("request_timeout"); };
  if (!options_.tls_cert.empty() || !options_.tls_key.empty()) {
    if (options_.tls_cert.empty() || options_.tls_key.empty()) {
      return invalid_argument("--tls-cert and --tls-key go together");
    }
    auto tls = std::make_unique<Tls>(Tls::Limits{limits.read_timeout, limits.write_timeout, limits.keep_alive,
                                                 limits.request_timeout},
                                     linger, timed_out, options_.tls_cert.c_str(), options_.tls_key.c_str());
    if (!tls->is_valid()) return invalid_argument("cannot load the TLS certificate or key (--tls-cert/--tls-key)");
    listener_ = std::move(tls);
  } else {
    listener_ = std::make_unique<Plain>(limits, linger, timed_out);
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
  svr.set_read_timeout(options_.read_timeout_s, 0);
  svr.set_write_timeout(options_.write_timeout_s, 0);
  svr.set_keep_alive_timeout(options_.keep_alive_timeout_s);
  // httplib closes a keep-alive connection after 5 requests by default: every client (and the
  // proxy's upstream pool) would reconnect constantly, overflowing the listen backlog.
  svr.set_keep_alive_max_count(100000);
  svr.set_tcp_nodelay(true);
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
    t_info = RequestInfo{};
    t_info.pre_routed = true;
    if (t_conn.stream != nullptr) t_conn.stream->end_head();
    // httplib's own request object, mutable where it lives: the body is read here, not by httplib.
    auto& mreq = const_cast<httplib::Request&>(req);
    const auto handled = [&mreq] {
      if (!t_conn.keep) close_after(mreq);
      return httplib::Server::HandlerResponse::Handled;
    };
    // The OAuth pages take a key: on loopback they answer only to loopback Host names (DNS rebinding).
    const bool oauth_path = req.path.rfind("/.well-known/", 0) == 0 || req.path == "/authorize" ||
                            req.path == "/token" || req.path == "/register";
    if (options_.auth != nullptr && oauth_path &&
        !host_allowed(OriginPolicy{options_.allowed_origins, is_loopback_host(options_.host), port_},
                      req.get_header_value("Host"))) {
      res.status = 403;
      res.set_content("Forbidden: Host is not this loopback server (DNS rebinding protection).\n", "text/plain");
      metrics_.rejected("host");
      return handled();
    }
    if (t_overflow) {
      reject(res, 503, "overloaded", kOverloaded, -32000);
      res.set_header("Retry-After", std::to_string(options_.retry_after_s));
      return handled();
    }
    if (pre_route(mreq, res)) return handled();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  svr.Post("/mcp", [this](const httplib::Request& req, httplib::Response& res) { handle_post(req, res); });
  auto not_allowed = [this](const httplib::Request&, httplib::Response& res) {
    // Stateless: no server→client stream to GET, no session to DELETE.
    res.set_header("Allow", "POST");
    reject(res, 405, "method_not_allowed", "Method not allowed: this server takes POST /mcp only (stateless).", -32000);
  };
  svr.Get("/mcp", not_allowed);
  svr.Delete("/mcp", not_allowed);
  if (options_.auth != nullptr) options_.auth->install(svr);
  svr.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  svr.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    if (draining_.load()) {
      res.status = 503;
      res.set_content("draining\n", "text/plain");
      return;
    }
    res.set_content("ready\n", "text/plain");
  });
  svr.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    std::string text = metrics_.render();
    if (options_.limits) text += options_.limits->render_metrics();
    if (options_.extra_metrics) text += options_.extra_metrics();
    res.set_content(text, "text/plain; version=0.0.4");
  });
  svr.set_logger([this](const httplib::Request& req, const httplib::Response& res) { access_log(req, res); });
  // httplib answers a head that never completed with 400; when it was our deadline, say so.
  svr.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (t_info.pre_routed || t_conn.stream == nullptr || !t_conn.stream->timed_out()) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    res.status = 408;
    res.set_content(json_error_body("Request Timeout: the request was not received in time.", -32600), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));
}

void McpHttpServer::reject(httplib::Response& res, int status, const std::string& reason, const std::string& message,
                           int rpc_code) {
  res.status = status;
  res.set_content(json_error_body(message, rpc_code), "application/json");
  metrics_.rejected(reason);
}

// Before any handler and before the body: the framing must be unambiguous; a POST /mcp with a
// body worth reading must pass the header checks and carry a key-shaped (or valid OAuth)
// credential; then the body is read here, bounded, chunked or not. True: answered.
bool McpHttpServer::pre_route(httplib::Request& req, httplib::Response& res) {
  const FramingVerdict verdict = check_framing(req.headers);
  if (!verdict.framing) {
    reject(res, 400, "framing", verdict.refusal);
    return true;
  }
  const BodyFraming& framing = *verdict.framing;
  if (!framing.chunked && framing.length == 0) {
    no_body(req);  // HTTP/1.1: no Content-Length, no body (httplib would read to the end of the connection)
    t_conn.keep = true;
    return false;
  }
  if (req.path == "/mcp" && req.method == "POST") {
    if (!admit(req, res)) return true;
    if ((framing.chunked || framing.length > kSmallBody) && !key_admissible(req)) {
      unauthorized(req, res, "unauthorized_before_body");
      return true;
    }
  }
  return take_body(req, res, framing);
}

// Whether a POST /mcp may have its body read: a key-shaped key, an OAuth token this server
// opens, or no credential where anonymous discovery allows one (the body names the method).
bool McpHttpServer::key_admissible(const httplib::Request& req) {
  if (!req.has_header("Authorization")) return options_.anonymous_discovery;
  const std::string authorization = req.get_header_value("Authorization");
  if (bearer_key(authorization)) return true;
  if (options_.auth == nullptr) return false;
  const auto token = bearer_token(authorization);
  return token && options_.auth->open_token(req, *token).has_value();
}

bool McpHttpServer::take_body(httplib::Request& req, httplib::Response& res, const BodyFraming& framing) {
  const bool oauth = options_.auth != nullptr && (req.path == "/token" || req.path == "/register" || req.path == "/authorize");
  if (req.method != "POST" || (req.path != "/mcp" && !oauth)) {
    no_body(req);  // nothing here takes a body: left unread, and the connection closed after the answer
    return false;
  }
  const bool keyless = !req.has_header("Authorization");
  const std::size_t limit = oauth     ? kOAuthBodyLimit
                            : keyless ? std::min(kKeylessBodyLimit, options_.max_body_bytes)
                                      : options_.max_body_bytes;
  const std::string too_large = "Payload Too Large: the body exceeds " + std::to_string(limit) + " bytes" +
                                (oauth || keyless ? "." : " (--max-body-bytes).");
  if (t_conn.stream == nullptr) {  // not on our connection loop (never, today): refuse rather than read unbounded
    reject(res, 500, "framing", "Internal error: no connection to read the body from.");
    return true;
  }
  std::string body;
  switch (read_body(*t_conn.stream, framing, limit, body)) {
    case BodyResult::kOk: break;
    case BodyResult::kTooLarge: reject(res, 413, "body_too_large", too_large); return true;
    case BodyResult::kTimeout:
      reject(res, 408, "request_timeout", "Request Timeout: the request was not received in time.");
      return true;
    case BodyResult::kMalformed:
      reject(res, 400, "framing", "Bad Request: the body is cut short or its chunked framing is malformed.");
      return true;
  }
  req.body = std::move(body);
  no_body(req);
  t_conn.keep = true;
  return false;
}

std::string McpHttpServer::unauthorized(const httplib::Request& req, httplib::Response& res, const std::string& reason) {
  const bool has_auth = req.has_header("Authorization");
  res.set_header("WWW-Authenticate", options_.auth != nullptr ? options_.auth->challenge(req, has_auth)
                                     : has_auth                ? "Bearer error=\"invalid_token\""
                                                               : "Bearer");
  const std::string why =
      !has_auth ? "Unauthorized: send your Fini API key as `Authorization: Bearer fini_…`."
      : options_.auth != nullptr
          ? "Unauthorized: the token is invalid or expired (sign in again), or the header is not `Bearer fini_…`."
          : "Unauthorized: the Authorization header must be `Bearer fini_…` with a Fini API key.";
  reject(res, 401, reason, why, -32001);
  return why;
}

// Checks that need no body: capacity, DNS rebinding, media types, protocol revision.
bool McpHttpServer::admit(const httplib::Request& req, httplib::Response& res) {
  OriginPolicy policy{options_.allowed_origins, is_loopback_host(options_.host), port_};
  if (!host_allowed(policy, req.get_header_value("Host"))) {
    reject(res, 403, "host", "Forbidden: Host is not this loopback server (DNS rebinding protection).");
    return false;
  }
  if (!origin_allowed(policy, req.get_header_value("Origin"))) {
    reject(res, 403, "origin", "Forbidden: Origin not allowed (see --allowed-origins).");
    return false;
  }
  if (draining_.load()) {
    res.set_header("Retry-After", std::to_string(options_.retry_after_s));
    res.set_header("Connection", "close");
    reject(res, 503, "draining", "The server is shutting down; retry (another replica will answer).", -32000);
    return false;
  }
  if (!accepts(req.get_header_value("Accept"), "application/json") && req.has_header("Accept")) {
    reject(res, 406, "accept", "Not Acceptable: the client must accept application/json (and text/event-stream).");
    return false;
  }
  const std::string type = req.get_header_value("Content-Type");
  if (type.rfind("application/json", 0) != 0) {
    reject(res, 415, "content_type", "Unsupported Media Type: the body must be application/json.");
    return false;
  }
  return true;
}

void McpHttpServer::handle_post(const httplib::Request& req, httplib::Response& res) {
  if (!admit(req, res)) return;
  auto message = parse_post(req, res);
  if (!message) return;
  auto checked = check_post(req, *message, res);
  if (!checked) return;
  const auto* request = std::get_if<jsonrpc::Request>(&*message);
  // The key: malformed → 401 always; missing → 401 unless listing anonymously is allowed.
  const bool has_auth = req.has_header("Authorization");
  auto key = has_auth ? bearer_key(req.get_header_value("Authorization")) : options_.keyless_key;
  std::optional<std::string> reauth;  // the key came inside an OAuth access token
  if (!key && has_auth && options_.auth != nullptr) {
    if (auto token = bearer_token(req.get_header_value("Authorization"))) {
      key = options_.auth->open_token(req, *token);
      if (key) reauth = options_.auth->challenge(req, true);
    }
  }
  const bool needs_key = request != nullptr && (!options_.anonymous_discovery || mcp::Dispatcher::is_tool_call(request->method));
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

// A raw key on its way to Fini: refused at once when Fini refused it moments ago, 429 when its
// client (or everybody) has tried too many new keys (see http/abuse_limits.hpp).
bool McpHttpServer::key_admitted(const httplib::Request& req, const std::string& key, httplib::Response& res) {
  if (!options_.limits) return true;
  const Verdict v = options_.limits->before_key_check(options_.limits->client_of(req), key);
  if (v.kind == Verdict::kGo) return true;
  if (v.kind == Verdict::kRefusedKey) {
    res.set_header("WWW-Authenticate", options_.auth != nullptr ? options_.auth->challenge(req, true)
                                                                : "Bearer error=\"invalid_token\"");
    reject(res, 401, "refused_key_cached", "Unauthorized: " + v.message + " Use a valid key (Fini → Deploy → API Keys).",
           -32001);
    return false;
  }
  res.set_header("Retry-After", std::to_string(v.retry_after_s));
  res.set_header("Connection", "close");  // a guesser's connection does not keep a thread
  reject(res, 429, "rate_limited", v.message, -32000);
  return false;
}

void McpHttpServer::reauthenticate(const std::string& challenge, httplib::Response& res) {
  res.set_header("WWW-Authenticate", challenge);
  reject(res, 401, "unauthorized", "Unauthorized: Fini refused the key of this sign-in; sign in again.", -32001);
}

void McpHttpServer::access_log(const httplib::Request& req, const httplib::Response& res) {
  const double seconds = std::chrono::duration<double>(Clock::now() - t_info.started).count();
  const int status = t_info.client_gone ? 499 : res.status;  // 499: the client closed the connection
  if (req.path == "/mcp") metrics_.request_done(t_info.rpc, t_info.tool.empty() ? "-" : t_info.tool, status, seconds);
  const RequestInfo info = std::exchange(t_info, RequestInfo{});  // a request rejected before routing starts clean
  if (!info.pre_routed) {  // httplib's own 400/414: the head was malformed, too big or too slow
    metrics_.rejected(t_conn.stream != nullptr && t_conn.stream->timed_out() ? "request_timeout" : "framing");
  }
  if (!options_.access_log) return;
  // Never the key, the body, or any header value: method, path, JSON-RPC method, tool, statuses,
  // time. Whatever the client chose is redacted and cut short; a request httplib could not parse
  // (mis-framed bytes, maybe a key) shows neither its "method" nor its "path".
  const auto echo = [](const std::string& s) { return json_escape(redact(s.substr(0, 200))); };
  std::string line = "{\"type\":\"access\",\"method\":" + json_escape(std::string(loggable_method(req.method))) +
                     ",\"path\":" + (info.pre_routed ? echo(req.path) : std::string("\"-\"")) +
                     ",\"rpc\":" + echo(info.rpc) + ",\"tool\":" + echo(info.tool) +
                     ",\"status\":" + std::to_string(status) + ",\"upstream_status\":" +
                     (info.upstream_status >= 0 ? std::to_string(info.upstream_status) : "null") +
                     ",\"ms\":" + std::to_string(static_cast<long>(seconds * 1000.0)) + "}\n";
  std::lock_guard lock(log_mutex_);
  std::fputs(line.c_str(), stderr);
}

void McpHttpServer::drain() {
  if (draining_.exchange(true) || !listener_) return;
  spdlog::info("draining: no new connections; {} request(s) in flight", engine_.in_flight());
  listener_->stop_accepting();
  engine_.drain();
}

void McpHttpServer::cut_short() { engine_.cut_short(); }

}  // namespace fini::http
