#pragma once
// Loopback servers for the REST tests: a scope guard that runs an httplib::Server on an ephemeral
// port, and a raw-socket server that drops keep-alive connections on purpose.

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

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
      const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                   std::to_string(body.size()) + "\r\n\r\n" + body;
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

}  // namespace fini::testing
