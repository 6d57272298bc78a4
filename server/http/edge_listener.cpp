#include "http/edge_listener.hpp"

#include <fcntl.h>
#include <httplib.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string_view>
#include <type_traits>
#include <utility>

#include "http/conn_stream.hpp"
#include "http/reject.hpp"
#include "http/request_scope.hpp"
#include "platform/process.hpp"

namespace fini::http {
namespace {

using Clock = std::chrono::steady_clock;

// httplib's request parser and routing on our connection loop and stream. `Base` is
// httplib::Server, or SSLServer.
template <class Base>
class EdgeListener final : public Base, public Listener {
 public:
  template <class... Args>
  EdgeListener(const EdgeLimits& limits, EdgeHooks hooks, Args&&... args)
      : Base(std::forward<Args>(args)...), limits_(limits), hooks_(std::move(hooks)) {}
  httplib::Server& server() override { return *this; }
  void stop_accepting() override { ::shutdown(this->svr_sock_.load(), SHUT_RDWR); }
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
      hooks_.linger(sock);  // the client may still be sending
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
        hooks_.timed_out();
        return Ending::kLinger;
      }
      if (stream.request_bytes() > kTrimAfter) platform::release_free_memory();  // a big body's pages go back
      if (ok && !keep) return Ending::kLinger;
      if (!ok || closed) break;
    }
    return ok ? Ending::kClose : Ending::kFailed;
  }

  const EdgeLimits limits_;
  const EdgeHooks hooks_;
};

void configure(httplib::Server& svr, const EdgeLimits& limits) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  const auto micros = [](std::chrono::milliseconds ms) { return (ms.count() % 1000) * 1000; };
  svr.set_read_timeout(duration_cast<seconds>(limits.read_timeout).count(), micros(limits.read_timeout));
  svr.set_write_timeout(duration_cast<seconds>(limits.write_timeout).count(), micros(limits.write_timeout));
  svr.set_keep_alive_timeout(duration_cast<seconds>(limits.keep_alive).count());
  // httplib closes a keep-alive connection after 5 requests by default: every client (and the
  // proxy's upstream pool) would reconnect constantly, overflowing the listen backlog.
  svr.set_keep_alive_max_count(100000);
  svr.set_tcp_nodelay(true);
  // httplib answers a head that never completed with 400; when it was our deadline, say so.
  svr.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (t_info.pre_routed || t_conn.stream == nullptr || !t_conn.stream->timed_out()) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    res.status = 408;
    res.set_content(json_error_body("Request Timeout: the request was not received in time.", -32600),
                    "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));
}

}  // namespace

std::unique_ptr<Listener> make_edge_listener(const EdgeLimits& limits, EdgeHooks hooks) {
  auto listener = std::make_unique<EdgeListener<httplib::Server>>(limits, std::move(hooks));
  configure(listener->server(), limits);
  return listener;
}

std::unique_ptr<Listener> make_tls_edge_listener(const EdgeLimits& limits, EdgeHooks hooks, const std::string& cert,
                                                 const std::string& key) {
  auto listener =
      std::make_unique<EdgeListener<httplib::SSLServer>>(limits, std::move(hooks), cert.c_str(), key.c_str());
  if (!listener->is_valid()) return nullptr;
  configure(listener->server(), limits);
  return listener;
}

}  // namespace fini::http
