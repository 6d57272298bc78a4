#pragma once
// Loopback servers for the REST tests: a scope guard that runs an httplib::Server on an ephemeral
// port, and a raw-socket server that drops keep-alive connections on purpose.

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace fini::testing {

// Runs `svr` on 127.0.0.1:<ephemeral> until destroyed.
class ServerThread {
 public:
  explicit ServerThread(httplib::Server& svr) : svr_(svr) {
    // Without it httplib's separate header/body writes meet the client's delayed ACK: 40 ms a call.
    svr_.set_tcp_nodelay(true);
    port_ = svr_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("bind_to_any_port failed");
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    // 0.11.4 has no wait_until_ready: poll is_running().
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!svr_.is_running()) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("server did not start");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ServerThread(const ServerThread&) = delete;
  ServerThread& operator=(const ServerThread&) = delete;
  ~ServerThread() {
    svr_.stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  httplib::Server& svr_;
  int port_ = 0;
  std::thread thread_;
};

// A port that was bound and closed again: nothing listens there (connection refused).
inline int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind failed");
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A minimal HTTP/1.1 server on a raw socket that misbehaves the way real servers and proxies do
// with keep-alive: after `answers_per_connection` answered requests on a connection it either
// closes right away (an idle timeout) or reads the next request and closes without answering
// (the close raced with the client's reuse). Connections are served one after another.
class DroppingServer {
 public:
  enum class Mode { kCloseAfterAnswers, kDropNextRequest };

  DroppingServer(Mode mode, int answers_per_connection) : mode_(mode), answers_(answers_per_connection) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 8) != 0) {
      throw std::runtime_error("DroppingServer: bind/listen failed");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  DroppingServer(const DroppingServer&) = delete;
  DroppingServer& operator=(const DroppingServer&) = delete;
  ~DroppingServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
    thread_.join();
    ::close(listen_fd_);
  }

  int port() const { return port_; }
  int connections() const { return connections_.load(); }
  int requests_seen() const { return requests_.load(); }
  int requests_answered() const { return answered_.load(); }

 private:
  void run() {
    while (true) {
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      connections_.fetch_add(1);
      serve(fd);
      ::close(fd);
    }
  }

  // Reads one request (headers + Content-Length body); false when the peer closed first.
  static bool read_request(int fd, std::string& buffer) {
    char chunk[4096];
    while (true) {
      const std::size_t head_end = buffer.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        std::size_t body_len = 0;
        std::string head = buffer.substr(0, head_end);
        for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (const auto at = head.find("content-length:"); at != std::string::npos) {
          body_len = std::stoul(head.substr(at + 15));
        }
        if (buffer.size() >= head_end + 4 + body_len) {
          buffer.erase(0, head_end + 4 + body_len);
          return true;
        }
      }
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
  }

  void serve(int fd) {
    std::string buffer;
    for (int answered = 0;; ++answered) {
      if (mode_ == Mode::kCloseAfterAnswers && answered == answers_) return;
      if (!read_request(fd, buffer)) return;
      requests_.fetch_add(1);
      if (answered == answers_) return;  // kDropNextRequest: read it, then hang up
      const std::string body = "{\"n\":" + std::to_string(answered_.fetch_add(1) + 1) + "}";
      const std::string response =
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\n\r\n" + body;
      if (::send(fd, response.data(), response.size(), MSG_NOSIGNAL) < 0) return;
    }
  }

  Mode mode_;
  int answers_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::atomic<int> answered_{0};
};

// A raw-socket HTTP peer driven by a script: `handler(fd, request_head)` runs for every request
// (headers plus any Content-Length body are consumed first) on the connection's own thread and
// returns whether to keep the connection for another request. For misbehaving upstreams:
// dribbling bytes, never answering, garbage framing. Destruction shuts every socket down, so a
// handler blocked in recv() or send() ends.
class RawServer {
 public:
  using Handler = std::function<bool(int fd, const std::string& head, const std::atomic<bool>& stopping)>;

  explicit RawServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0) {
      throw std::runtime_error("RawServer: bind/listen failed");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;
  ~RawServer() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    {
      std::lock_guard lock(mu_);
      for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : workers_) t.join();
    for (int fd : fds_) ::close(fd);
    ::close(listen_fd_);
  }

  int port() const { return port_; }
  int connections() const { return connections_.load(); }
  int requests() const { return requests_.load(); }

  // The request target ("/path?query") from a request head.
  static std::string target(const std::string& head) {
    const auto a = head.find(' ');
    const auto b = head.find(' ', a + 1);
    return a == std::string::npos || b == std::string::npos ? std::string() : head.substr(a + 1, b - a - 1);
  }
  static bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  // Sends `data` one piece at a time with `gap` between pieces (a slow or hostile peer).
  static bool dribble(int fd, std::string_view data, std::chrono::milliseconds gap, const std::atomic<bool>& stopping,
                      std::size_t piece = 1) {
    while (!data.empty() && !stopping) {
      const std::size_t n = std::min(piece, data.size());
      if (!send_all(fd, data.substr(0, n))) return false;
      data.remove_prefix(n);
      std::this_thread::sleep_for(gap);
    }
    return !stopping;
  }
  static bool respond(int fd, int status, const std::string& body, const std::string& extra_headers = {}) {
    return send_all(fd, "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n" +
                            extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  }
  // Blocks until the client closes the connection (or the server stops): a peer that never answers.
  static void hold(int fd) {
    char buf[256];
    while (::recv(fd, buf, sizeof buf, 0) > 0) {}
  }

 private:
  void accept_loop() {
    while (true) {
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      connections_.fetch_add(1);
      std::lock_guard lock(mu_);
      fds_.push_back(fd);
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }
  void serve(int fd) {
    std::string buffer;
    while (!stopping_) {
      std::string head;
      if (!read_head(fd, buffer, head)) return;
      requests_.fetch_add(1);
      if (!handler_(fd, head, stopping_)) {
        ::shutdown(fd, SHUT_RDWR);
        return;
      }
    }
  }
  static bool read_head(int fd, std::string& buffer, std::string& head) {
    char chunk[4096];
    while (true) {
      const std::size_t end = buffer.find("\r\n\r\n");
      if (end != std::string::npos) {
        head = buffer.substr(0, end);
        std::string lower = head;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::size_t body = 0;
        if (const auto at = lower.find("content-length:"); at != std::string::npos)
          body = std::stoul(lower.substr(at + 15));
        if (buffer.size() >= end + 4 + body) {
          buffer.erase(0, end + 4 + body);
          return true;
        }
      }
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
  }

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<int> fds_;
  std::vector<std::thread> workers_;
};

}  // namespace fini::testing
