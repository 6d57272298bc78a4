// The cpp-httplib implementation of HttpClient: a pool of keep-alive httplib clients, each used by
// one thread at a time. httplib stays private to this file.

#include <httplib.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <netdb.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <random>
#include <system_error>

#include "common/redact.hpp"
#include "common/text.hpp"
#include "rest/encoding.hpp"
#include "rest/http_client.hpp"
#include "rest/inflate.hpp"
#include "rest/watchdog.hpp"

namespace fini::rest {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// One pooled connection. `fresh_socket` is set by httplib's socket-options hook whenever it
// creates a socket, which is how we learn whether a send() reused the kept-alive connection.
struct Connection {
  std::unique_ptr<httplib::ClientImpl> client;
  httplib::SSLClient* ssl = nullptr;  // same object as client when https
  bool fresh_socket = false;
  std::chrono::steady_clock::time_point last_used{};
};

// Servers commonly drop idle keep-alive connections after ~5 s. A connection idle that long is
// closed before reuse rather than risk a non-idempotent request on a half-dead socket (over TLS
// the close is not always visible until the write fails).
constexpr std::chrono::milliseconds kMaxIdleReuse{4000};

std::string format_duration(milliseconds d) {
  const auto ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

bool is_header_safe(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7f;
  });
}

Status check_request(const HttpRequest& req) {
  static const char* const kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  if (std::find(std::begin(kMethods), std::end(kMethods), req.method) == std::end(kMethods)) {
    return invalid_argument("unsupported HTTP method '" + req.method.substr(0, 16) + "'");
  }
  const bool path_ok =
      !req.path.empty() && req.path.front() == '/' && std::all_of(req.path.begin(), req.path.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f && c != '?' && c != '#';
      });
  if (!path_ok) {
    return invalid_argument("request path must start with '/' and be percent-encoded ASCII without '?' or '#'");
  }
  if (req.path.find("/../") != std::string::npos || req.path.find("/./") != std::string::npos ||
      req.path.ends_with("/..") || req.path.ends_with("/.")) {
    return invalid_argument("request path must not contain '.' or '..' segments");
  }
  // Header injection guard; the token itself is never echoed.
  if (!is_header_safe(req.bearer_token)) return invalid_argument("the API key contains invalid characters");
  if (!is_header_safe(req.content_type) || !is_header_safe(req.accept)) {
    return invalid_argument("content type or accept header contains invalid characters");
  }
  return Status::ok_status();
}

std::string quote_param(std::string_view v) {
  // WHATWG form-data encoding of names/filenames: '"', CR and LF are percent-escaped.
  std::string out;
  for (char c : v) {
    if (c == '"')
      out += "%22";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else
      out += c;
  }
  return out;
}

std::string make_boundary(const std::vector<MultipartPart>& parts) {
  static constexpr char kChars[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::random_device rd;
  std::mt19937 gen(rd());
  std::uniform_int_distribution<std::size_t> pick(0, sizeof(kChars) - 2);
  while (true) {
    std::string b = "----fini-mcp-";
    for (int i = 0; i < 24; ++i) b += kChars[pick(gen)];
    const bool clash = std::any_of(parts.begin(), parts.end(),
                                   [&](const MultipartPart& p) { return p.content.find(b) != std::string::npos; });
    if (!clash) return b;
  }
}

std::string encode_multipart(const std::vector<MultipartPart>& parts, const std::string& boundary) {
  std::string out;
  for (const auto& p : parts) {
    out += "--" + boundary + "\r\n";
    out += "Content-Disposition: form-data; name=\"" + quote_param(p.name) + "\"";
    if (!p.filename.empty()) out += "; filename=\"" + quote_param(p.filename) + "\"";
    out += "\r\n";
    std::string type = p.content_type;
    if (type.empty() && !p.filename.empty()) type = "application/octet-stream";
    if (!type.empty()) out += "Content-Type: " + quote_param(type) + "\r\n";
    out += "\r\n";
    out += p.content;
    out += "\r\n";
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

// httplib reports every failed connect as Error::Connection and its non-blocking connect leaves
// errno at EINPROGRESS, so on that (rare) path we repeat the attempt ourselves to say why:
// unknown host, refused, unreachable, timed out.
std::string diagnose_connect(const std::string& host, int port, milliseconds budget) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return "could not resolve host name (" + std::string(::gai_strerror(rc)) + ")";
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(found, &::freeaddrinfo);
  int last_error = 0;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_error = errno;
      continue;
    }
    int err = 0;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      err = errno;
      if (err == EINPROGRESS) {
        pollfd p{fd, POLLOUT, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(std::min<milliseconds::rep>(budget.count(), 2000)));
        socklen_t len = sizeof err;
        if (ready == 0) {
          err = ETIMEDOUT;
        } else if (ready < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
          err = errno;
        }
      }
    }
    ::close(fd);
    if (err == 0) return "connection failed";  // it works now: a transient failure
    last_error = err;
  }
  std::string why = last_error != 0 ? std::generic_category().message(last_error) : "connection failed";
  if (!why.empty()) why[0] = ascii_lower(why[0]);
  return why;
}

bool is_idempotent(const std::string& method) { return method == "GET" || method == "PUT" || method == "DELETE"; }

constexpr std::string_view kCouldNotConnect = "could not connect to ";

// A clamped per-read timeout may fire a moment before the deadline (poll rounds to ms).
constexpr milliseconds kDeadlineSlack{50};

// "2 s", "1.4 s", "350 ms": a budget as a person would say it.
std::string format_budget(Clock::duration d) {
  const auto ms = std::chrono::round<milliseconds>(d).count();
  if (ms < 1000) return std::to_string(std::max<long long>((ms + 5) / 10 * 10, 0)) + " ms";
  const auto tenths = (ms + 50) / 100;
  return std::to_string(tenths / 10) + (tenths % 10 != 0 ? "." + std::to_string(tenths % 10) : "") + " s";
}

// Collects the response body up to the cap and notes what the parser got through, so a failed
// read can be described precisely (httplib reports all of them as Error::Read).
class BodySink {
 public:
  explicit BodySink(std::size_t cap) : cap_(cap) {}

  void install(httplib::Request& req) {
    req.response_handler = [this](const httplib::Response& res) { return on_headers(res); };
    req.content_receiver = [this](const char* data, std::size_t n, std::uint64_t, std::uint64_t) {
      return on_data(data, n);
    };
  }
  void reset() {
    body_.clear();
    headers_done_ = false;
    exceeded_ = false;
    inflater_.reset();
  }
  // A compressed body whose stream did not end properly (cut short, corrupt, trailing bytes).
  bool undecodable() const { return inflater_ != nullptr && !inflater_->ended(); }
  std::string take() { return std::move(body_); }
  bool headers_done() const { return headers_done_; }
  bool exceeded() const { return exceeded_; }
  std::size_t cap() const { return cap_; }

 private:
  bool on_headers(const httplib::Response& res) {
    headers_done_ = true;
    // A declared length over the cap is refused before a byte of the body is read.
    const std::string length = res.get_header_value("Content-Length");
    std::uint64_t declared = 0;
    const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), declared);
    if (ec == std::errc() && end == length.data() + length.size() && declared > cap_) exceeded_ = true;
    // httplib's decoder is off (it takes a truncated stream for a whole one): decoded here.
    const std::string encoding = res.get_header_value("Content-Encoding");
    if (!encoding.empty() && strcasecmp(encoding.c_str(), "identity") != 0) inflater_ = std::make_unique<Inflater>();
    return !exceeded_;
  }
  bool on_data(const char* data, std::size_t n) {
    if (inflater_ != nullptr) {
      const auto step = inflater_->feed(std::string_view(data, n), body_, cap_);
      if (step == Inflater::Step::kTooLarge) exceeded_ = true;
      return step == Inflater::Step::kMore || step == Inflater::Step::kEnd;
    }
    if (n > cap_ - body_.size()) {
      exceeded_ = true;
      return false;  // stop reading: memory stays bounded by the cap
    }
    body_.append(data, n);
    return true;
  }

  const std::size_t cap_;
  std::string body_;
  bool headers_done_ = false;
  bool exceeded_ = false;
  std::unique_ptr<Inflater> inflater_;  // a Content-Encoding other than identity
};

// The body encodings httplib decodes on its own (whatever Accept-Encoding said); named only
// from this fixed list, never quoted from the header.
std::string_view known_encoding(const httplib::Response& res) {
  const std::string value = to_lower(res.get_header_value("Content-Encoding"));
  if (value == "gzip") return "gzip";
  if (value == "deflate") return "deflate";
  if (value.find("br") != std::string::npos) return "br";
  return {};
}

class HttplibClient final : public HttpClient {
 public:
  explicit HttplibClient(ClientOptions options)
      : options_(std::move(options)),
        host_port_(
            (options_.base.host.find(':') != std::string::npos ? "[" + options_.base.host + "]" : options_.base.host) +
            ":" + std::to_string(options_.base.port)),
        user_agent_(options_.user_agent.empty() ? "fini-mcp" : options_.user_agent),
        max_connections_(std::max<std::size_t>(options_.max_connections, 1)) {}

  Result<HttpResponse> send(const HttpRequest& req) override;
  std::size_t connections_opened() const override { return connects_.load(); }

 private:
  // Returns a connection to the pool when the request is done, whatever the outcome.
  class Lease {
   public:
    Lease(HttplibClient& owner, std::unique_ptr<Connection> conn) : owner_(owner), conn_(std::move(conn)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { owner_.checkin(std::move(conn_)); }
    Connection& operator*() { return *conn_; }

   private:
    HttplibClient& owner_;
    std::unique_ptr<Connection> conn_;
  };

  std::unique_ptr<Connection> checkout(const HttpRequest& req);
  void checkin(std::unique_ptr<Connection> conn);
  std::unique_ptr<Connection> make_connection();
  httplib::Request build(const HttpRequest& req) const;
  Status precheck(const HttpRequest& req) const;
  std::optional<Status> interrupted(const HttpRequest& req, const BodySink& sink, Clock::time_point started) const;
  Status describe_failure(httplib::Error err, const Connection& conn, milliseconds elapsed,
                          milliseconds read_timeout) const;
  Status describe_read_failure(const httplib::Response& res, const BodySink& sink, milliseconds elapsed,
                               milliseconds read_timeout) const;
  milliseconds apply_timeouts(Connection& conn, const HttpRequest& req) const;
  Result<HttpResponse> exchange(Connection& conn, const HttpRequest& req, httplib::Request& hreq, BodySink& sink,
                                Clock::time_point started);
  Result<HttpResponse> through_proxy(Connection& conn, Result<HttpResponse> result) const;

  const ClientOptions options_;
  const std::string host_port_;
  const std::string user_agent_;
  const std::size_t max_connections_;
  std::atomic<std::size_t> connects_{0};

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;  // LIFO: the warmest connection first
  std::size_t created_ = 0;
  Watchdog watchdog_;  // last: its thread stops before the pool goes
};

// Waits for a free connection, but not past the request's deadline or its cancellation (nullptr).
std::unique_ptr<Connection> HttplibClient::checkout(const HttpRequest& req) {
  CancelToken::Registration wake;
  if (req.cancel != nullptr) {
    wake = req.cancel->on_cancel([this] {
      std::lock_guard lock(mutex_);  // no lost wake-up between the predicate and the wait
      available_.notify_all();
    });
  }
  {
    std::unique_lock lock(mutex_);
    const auto ready = [&] {
      return !idle_.empty() || created_ < max_connections_ || (req.cancel != nullptr && req.cancel->cancelled());
    };
    if (req.deadline) {
      if (!available_.wait_until(lock, *req.deadline, ready)) return nullptr;
    } else {
      available_.wait(lock, ready);
    }
    if (req.cancel != nullptr && req.cancel->cancelled()) return nullptr;
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++created_;
  }
  return make_connection();  // outside the lock: creating an SSL context is not free
}

void HttplibClient::checkin(std::unique_ptr<Connection> conn) {
  conn->last_used = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(conn));
  }
  available_.notify_one();
}

std::unique_ptr<Connection> HttplibClient::make_connection() {
  auto conn = std::make_unique<Connection>();
  const BaseUrl& base = options_.base;
  if (base.scheme == "https") {
    auto ssl = std::make_unique<httplib::SSLClient>(base.host, base.port);
    conn->ssl = ssl.get();
    if (!options_.ca_file.empty()) ssl->set_ca_cert_path(options_.ca_file);
    ssl->enable_server_certificate_verification(true);  // also turns on host name checks
    if (const auto& proxy = options_.proxy) {
      ssl->set_proxy(proxy->host, proxy->port);  // a CONNECT tunnel: TLS stays end to end
      if (!proxy->username.empty()) ssl->set_proxy_basic_auth(proxy->username, proxy->password);
    }
    conn->client = std::move(ssl);
  } else {
    conn->client = std::make_unique<httplib::ClientImpl>(base.host, base.port);
  }
  httplib::ClientImpl& c = *conn->client;
  c.set_keep_alive(true);
  c.set_follow_location(false);  // a redirect must never carry the key elsewhere
  c.set_url_encode(false);       // paths arrive encoded; re-encoding would corrupt them
  c.set_tcp_nodelay(true);       // headers and body go out in separate writes
  c.set_decompress(false);       // BodySink decodes, and refuses a compressed stream cut short
  c.set_connection_timeout(options_.connect_timeout);
  c.set_read_timeout(options_.read_timeout);
  c.set_write_timeout(options_.write_timeout);
  Connection* raw = conn.get();
  c.set_socket_options([raw](int /*sock*/) { raw->fresh_socket = true; });
  return conn;
}

httplib::Request HttplibClient::build(const HttpRequest& req) const {
  httplib::Request out;
  out.method = req.method;
  out.path = options_.base.prefix + req.path;
  const std::string query = encode_query_string(req.query);
  if (!query.empty()) out.path += "?" + query;
  out.headers.emplace("Accept", req.accept);
  out.headers.emplace("User-Agent", user_agent_);
  if (!req.bearer_token.empty()) out.headers.emplace("Authorization", "Bearer " + req.bearer_token);
  // httplib adds the proxy's Basic credentials to every request that lacks this header, the ones
  // inside the tunnel too; an empty one keeps them between us and the proxy (CONNECT only).
  if (options_.proxy && !options_.proxy->username.empty()) out.headers.emplace("Proxy-Authorization", "");
  if (!req.multipart.empty()) {
    const std::string boundary = make_boundary(req.multipart);
    out.body = encode_multipart(req.multipart, boundary);
    out.headers.emplace("Content-Type", "multipart/form-data; boundary=" + boundary);
  } else if (req.body) {
    out.body = *req.body;
    out.headers.emplace("Content-Type", req.content_type.empty() ? "application/json" : req.content_type);
  }
  return out;
}

Status HttplibClient::describe_failure(httplib::Error err, const Connection& conn, milliseconds elapsed,
                                       milliseconds read_timeout) const {
  switch (err) {
    case httplib::Error::Connection:
      if (const auto& proxy = options_.proxy) {
        return unavailable(std::string(kCouldNotConnect) + "proxy " + proxy->describe() + ": " +
                           diagnose_connect(proxy->host, proxy->port, options_.connect_timeout));
      }
      return unavailable(std::string(kCouldNotConnect) + host_port_ + ": " +
                         diagnose_connect(options_.base.host, options_.base.port, options_.connect_timeout));
    case httplib::Error::ConnectionTimeout:
      return unavailable(std::string(kCouldNotConnect) +
                         (options_.proxy ? "proxy " + options_.proxy->describe() : host_port_) + ": no answer within " +
                         format_duration(options_.connect_timeout));
    case httplib::Error::Read:
      // httplib reports a read timeout and a peer close alike; the clock tells them apart.
      if (elapsed >= read_timeout * 9 / 10) {
        return {Code::kDeadlineExceeded, "no response within " + format_duration(read_timeout) + " from " + host_port_};
      }
      return unavailable("connection to " + host_port_ + " closed before a response");
    case httplib::Error::Write: return unavailable("connection to " + host_port_ + " closed while sending the request");
    case httplib::Error::SSLLoadingCerts:
      return failed_precondition("could not load CA certificates from " + (options_.ca_file.empty()
                                                                               ? std::string("the system store")
                                                                               : "'" + options_.ca_file + "'"));
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLServerVerification: {
      std::string why;
      const long verify = conn.ssl != nullptr ? conn.ssl->get_openssl_verify_result() : X509_V_OK;
      if (verify != X509_V_OK) {
        why = std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
      } else if (err == httplib::Error::SSLServerVerification) {
        why = "certificate verify failed: certificate is not valid for host " + options_.base.host;
      } else if (const unsigned long e = ERR_peek_last_error(); e != 0 && ERR_reason_error_string(e) != nullptr) {
        why = ERR_reason_error_string(e);
      } else {
        why = "the server did not complete the handshake";
      }
      return unavailable("TLS handshake with " + host_port_ + " failed: " + why);
    }
    default: return unavailable("request to " + host_port_ + " failed: " + httplib::to_string(err));
  }
}

// A read that failed for a reason other than the clock: say how far the response got.
Status HttplibClient::describe_read_failure(const httplib::Response& res, const BodySink& sink, milliseconds elapsed,
                                            milliseconds read_timeout) const {
  if (elapsed >= read_timeout * 9 / 10) {
    return {Code::kDeadlineExceeded, "no response within " + format_duration(read_timeout) + " from " + host_port_};
  }
  if (res.status <= 0) {  // httplib's Response starts at -1
    return unavailable("connection to " + host_port_ +
                       " closed before a response, or the answer was not HTTP (no valid status line)");
  }
  if (!sink.headers_done()) {
    return unavailable("the response headers from " + host_port_ + " were malformed or cut short");
  }
  if (const std::string_view enc = known_encoding(res); !enc.empty()) {
    return unavailable("the " + std::string(enc) + "-compressed response body from " + host_port_ +
                       " could not be decoded (corrupt or cut short)");
  }
  if (to_lower(res.get_header_value("Transfer-Encoding")) == "chunked") {
    return unavailable("the chunked response body from " + host_port_ + " was malformed or cut short");
  }
  return unavailable("connection to " + host_port_ + " closed in the middle of the response body");
}

// Cancel, deadline and body cap are judged from our own state, not from httplib's error (a
// shut socket reads as a plain Read error).
std::optional<Status> HttplibClient::interrupted(const HttpRequest& req, const BodySink& sink,
                                                 Clock::time_point started) const {
  if (req.cancel != nullptr && req.cancel->cancelled()) {
    return Status(Code::kCancelled, "request cancelled (" + req.cancel->reason() + ")");
  }
  if (req.deadline && Clock::now() + kDeadlineSlack >= *req.deadline) {
    return Status(Code::kDeadlineExceeded,
                  "no complete response within " + format_budget(*req.deadline - started) + " from " + host_port_);
  }
  if (sink.exceeded()) {
    return Status(Code::kResourceExhausted, "the response exceeds the " + std::to_string(sink.cap()) + "-byte limit");
  }
  return std::nullopt;
}

// Per-read and connect timeouts never reach past the deadline; returns the read timeout used.
milliseconds HttplibClient::apply_timeouts(Connection& conn, const HttpRequest& req) const {
  milliseconds read_timeout = req.read_timeout.value_or(options_.read_timeout);
  milliseconds connect_timeout = options_.connect_timeout;
  if (req.deadline) {
    const auto left = std::max(std::chrono::ceil<milliseconds>(*req.deadline - Clock::now()), milliseconds(1));
    read_timeout = std::min(read_timeout, left);
    connect_timeout = std::min(connect_timeout, left);
  }
  conn.client->set_read_timeout(read_timeout);
  conn.client->set_connection_timeout(connect_timeout);
  return read_timeout;
}

Status HttplibClient::precheck(const HttpRequest& req) const {
  // Options may be built by hand rather than through parse_base_url: hold the key policy here too.
  const BaseUrl& base = options_.base;
  if (base.scheme != "https" && !(base.scheme == "http" && base.is_loopback())) {
    return failed_precondition(base.scheme == "http"
                                   ? "refusing to send the API key over plain http to host " + base.host + "; use https"
                                   : "unsupported URL scheme '" + base.scheme + "'");
  }
  if (Status s = check_request(req); !s.ok()) return s;
  if (options_.read_only_guard && req.method != "GET" && !req.allow_in_read_only) {
    return Status(Code::kPermissionDenied, "read-only mode: refusing " + req.method + " " + req.path);
  }
  if (req.cancel != nullptr && req.cancel->cancelled()) {
    return Status(Code::kCancelled, "request cancelled before it was sent (" + req.cancel->reason() + ")");
  }
  if (req.deadline && Clock::now() >= *req.deadline) {
    return Status(Code::kDeadlineExceeded, "the deadline passed before the request to " + host_port_ + " was sent");
  }
  return Status::ok_status();
}

Result<HttpResponse> HttplibClient::exchange(Connection& conn, const HttpRequest& req, httplib::Request& hreq,
                                             BodySink& sink, Clock::time_point started) {
  for (int attempt = 0;; ++attempt) {
    const milliseconds read_timeout = apply_timeouts(conn, req);
    conn.fresh_socket = false;
    sink.reset();
    ERR_clear_error();
    const auto start = Clock::now();
    httplib::Response res;
    httplib::Error err = httplib::Error::Success;
    const bool ok = conn.client->send(hreq, res, err);
    const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    if (conn.fresh_socket && err != httplib::Error::Connection && err != httplib::Error::ConnectionTimeout) {
      connects_.fetch_add(1);
    }

    if (ok && sink.undecodable()) {  // never an empty or partial body taken for the whole answer
      const std::string_view enc = known_encoding(res);
      return unavailable("the " + (enc.empty() ? std::string("compressed") : std::string(enc) + "-compressed") +
                         " response body from " + host_port_ + " could not be decoded (corrupt or cut short)");
    }
    if (ok) {
      HttpResponse out;
      out.status = res.status;
      out.body = sink.take();
      for (const auto& [name, value] : res.headers) out.headers.emplace(to_lower(name), value);
      out.content_type = res.get_header_value("Content-Type");
      if (res.has_header("Retry-After")) out.retry_after = res.get_header_value("Retry-After");
      spdlog::debug("rest: {} {} -> {} in {} ms", req.method, req.path, out.status, elapsed.count());
      return out;
    }
    if (auto stopped = interrupted(req, sink, started)) return *stopped;

    Status failure = (err == httplib::Error::Read || err == httplib::Error::Canceled)
                         ? describe_read_failure(res, sink, elapsed, read_timeout)
                         : describe_failure(err, conn, elapsed, read_timeout);
    ERR_clear_error();
    // A kept-alive connection the server dropped while idle fails on first use; that says
    // nothing about the request, so idempotent ones go again once on a fresh connection.
    const bool stale = !conn.fresh_socket && failure.code() == Code::kUnavailable && res.status <= 0 &&
                       (err == httplib::Error::Read || err == httplib::Error::Write);
    // A write that failed on a reused connection never reached the server's handler, so any
    // method may go again; a read failure (request possibly processed) only for idempotent ones.
    if (attempt == 0 && stale && (is_idempotent(req.method) || err == httplib::Error::Write)) {
      spdlog::debug("rest: {} {}: stale keep-alive connection, retrying once", req.method, req.path);
      continue;
    }
    return failure;
  }
}

// Failures through a proxy name it; a 407 is the proxy refusing the tunnel (httplib hands its
// CONNECT answer back as the response), never Fini's.
Result<HttpResponse> HttplibClient::through_proxy(Connection& conn, Result<HttpResponse> result) const {
  const auto& proxy = options_.proxy;
  if (!proxy) return result;
  if (result.ok() && result->status == 407) {
    conn.client->stop();  // httplib keeps the socket open without TLS: never reuse it
    return unavailable(std::string(kCouldNotConnect) + host_port_ + " through proxy " + proxy->describe() +
                       ": the proxy answered 407 Proxy Authentication Required; " +
                       (proxy->username.empty()
                            ? "put the credentials in the proxy URL (http://user:password@host:port)"
                            : "it refused the credentials in the proxy URL"));
  }
  if (result.ok() || result.status().message().find("proxy ") != std::string::npos) return result;
  return Status(result.status().code(), result.status().message() + " (through proxy " + proxy->describe() + ")");
}

Result<HttpResponse> HttplibClient::send(const HttpRequest& req) {
  const auto started = Clock::now();
  if (Status s = precheck(req); !s.ok()) return Status(s.code(), redact(s.message(), req.bearer_token));
  httplib::Request hreq = build(req);
  BodySink sink(options_.max_body_bytes);
  sink.install(hreq);

  // Destroyed in reverse: the cancel registration, then the watchdog guard (waits out a stop in
  // progress), then the lease, so a stopped connection is back in the pool only once nothing
  // touches it; httplib has closed its socket and the next send reconnects.
  auto checked_out = checkout(req);
  if (!checked_out) {
    const Status why = interrupted(req, sink, Clock::now()).value_or(Status(Code::kInternal, "no connection"));
    return Status(why.code(), why.code() == Code::kDeadlineExceeded
                                  ? "no free connection to " + host_port_ + " before the deadline"
                                  : why.message());
  }
  Lease lease(*this, std::move(checked_out));
  Connection& conn = *lease;
  if (conn.last_used != std::chrono::steady_clock::time_point{} &&
      std::chrono::steady_clock::now() - conn.last_used > kMaxIdleReuse) {
    conn.client->stop();  // closes the socket; the next send opens a fresh one
  }
  std::optional<Watchdog::Guard> guard;
  CancelToken::Registration registration;
  if (req.deadline || req.cancel != nullptr) {
    httplib::ClientImpl* client = conn.client.get();
    guard.emplace(watchdog_.arm(req.deadline, [client] { client->stop(); }));
    if (req.cancel != nullptr) registration = req.cancel->on_cancel([&guard] { guard->trigger(); });
  }

  Result<HttpResponse> result = through_proxy(conn, exchange(conn, req, hreq, sink, started));
  if (!result.ok()) {
    spdlog::debug("rest: {} {} failed: {}", req.method, req.path, result.status().message());
    return Status(result.status().code(), redact(result.status().message(), req.bearer_token));
  }
  return result;
}

}  // namespace

bool failed_before_sending(const Status& status) {
  return status.code() == Code::kUnavailable && status.message().starts_with(kCouldNotConnect);
}

std::unique_ptr<HttpClient> make_http_client(const ClientOptions& options) {
  // A peer closing mid-write must surface as a write error, not kill the process with SIGPIPE
  // (httplib on Linux writes without MSG_NOSIGNAL). Only a default disposition is changed.
  static std::once_flag sigpipe_once;
  std::call_once(sigpipe_once, [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      std::signal(SIGPIPE, SIG_IGN);
    }
  });
  return std::make_unique<HttplibClient>(options);
}

}  // namespace fini::rest
