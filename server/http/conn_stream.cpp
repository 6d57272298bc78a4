#include "http/conn_stream.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace fini::http {

namespace {

int poll_for(int sock, short events, std::chrono::milliseconds wait) {
  pollfd p{sock, events, 0};
  for (;;) {
    const int n = ::poll(&p, 1, static_cast<int>(std::max<long long>(wait.count(), 0)));
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

void name_of(const sockaddr_storage& addr, socklen_t len, std::string& ip, int& port) {
  char host[NI_MAXHOST];
  char serv[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return;
  }
  ip = host;
  port = std::atoi(serv);
}

}  // namespace

ConnStream::ConnStream(int sock, std::chrono::milliseconds read_timeout, std::chrono::milliseconds write_timeout,
                       ssl_st* ssl)
    : sock_(sock), ssl_(ssl), read_timeout_(read_timeout), write_timeout_(write_timeout), buf_(16384) {}

bool ConnStream::pending() const { return ssl_ != nullptr && SSL_pending(ssl_) > 0; }

// One recv (or SSL_read: the socket is non-blocking then, and every wait is a bounded poll).
ssize_t ConnStream::receive(char* buf, std::size_t size) {
  if (ssl_ == nullptr) {
    ssize_t n;
    do {
      n = ::recv(sock_, buf, size, 0);
    } while (n < 0 && errno == EINTR);
    return n;
  }
  for (;;) {
    const int n = SSL_read(ssl_, buf, static_cast<int>(std::min<std::size_t>(size, 1 << 20)));
    if (n > 0) return n;
    const int err = SSL_get_error(ssl_, n);
    if (err == SSL_ERROR_ZERO_RETURN) return 0;
    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) return -1;
    if (!wait_readable()) return -1;
  }
}

bool ConnStream::wait_readable() const {
  if (off_ < len_ || pending()) return true;
  const auto now = Clock::now();
  if (now >= deadline_) {
    timed_out_ = true;
    return false;
  }
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - now) + std::chrono::milliseconds(1);
  const bool deadline_first = left < read_timeout_;
  if (poll_for(sock_, POLLIN, std::min(read_timeout_, left)) > 0) return true;
  if (deadline_first) timed_out_ = true;
  return false;
}

bool ConnStream::is_readable() const { return wait_readable(); }

bool ConnStream::is_writable() const {
  if (poll_for(sock_, POLLOUT, write_timeout_) <= 0) return false;
  // Like httplib's own stream: a peer that has gone shows as readable with nothing to read.
  if (poll_for(sock_, POLLIN, std::chrono::milliseconds(0)) == 0) return true;
  char c;
  return ::recv(sock_, &c, 1, MSG_PEEK) > 0 || off_ < len_ || pending();
}

ssize_t ConnStream::read(char* ptr, std::size_t size) {
  if (off_ == len_) {
    if (head_budget_ != kUnlimited && read_ >= head_budget_) return -1;  // headers without end
    if (!wait_readable()) return -1;
    std::size_t want = buf_.size();
    if (head_budget_ != kUnlimited) want = std::min(want, head_budget_ - read_);
    const ssize_t n = receive(buf_.data(), want);
    if (n <= 0) return n;
    off_ = 0;
    len_ = static_cast<std::size_t>(n);
    read_ += len_;
  }
  const std::size_t n = std::min(size, len_ - off_);
  std::memcpy(ptr, buf_.data() + off_, n);
  off_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t ConnStream::write(const char* ptr, std::size_t size) {
  if (poll_for(sock_, POLLOUT, write_timeout_) <= 0) return -1;
  if (ssl_ != nullptr) {
    for (;;) {
      const int n = SSL_write(ssl_, ptr, static_cast<int>(std::min<std::size_t>(size, 1 << 20)));
      if (n > 0) return n;
      const int err = SSL_get_error(ssl_, n);
      const short wait = err == SSL_ERROR_WANT_WRITE ? POLLOUT : err == SSL_ERROR_WANT_READ ? POLLIN : 0;
      if (wait == 0 || poll_for(sock_, wait, write_timeout_) <= 0) return -1;
    }
  }
  ssize_t n;
  do {
    n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n;
}

void ConnStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) name_of(addr, len, ip, port);
}

void ConnStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) name_of(addr, len, ip, port);
}

bool ConnStream::wait_request(std::chrono::milliseconds idle) {
  if (off_ < len_ || pending()) return true;
  if (poll_for(sock_, POLLIN, idle) <= 0) return false;
  char c;
  return ::recv(sock_, &c, 1, MSG_PEEK) > 0;  // 0: the client closed
}

void ConnStream::begin_request(Clock::time_point deadline, std::size_t head_budget) {
  deadline_ = deadline;
  timed_out_ = false;
  // Bytes already buffered belong to this request's head: they count against its budget.
  read_ = len_ - off_;
  head_budget_ = head_budget;
}

}  // namespace fini::http
