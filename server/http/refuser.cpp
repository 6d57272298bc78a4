#include "http/refuser.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace fini::http {

OverflowRefuser::OverflowRefuser(std::string response, std::chrono::milliseconds linger, std::size_t max_lingering)
    : response_(std::move(response)), linger_(linger), max_lingering_(max_lingering), thread_([this] { loop(); }) {}

OverflowRefuser::~OverflowRefuser() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.signal();
  thread_.join();
  for (const auto& l : incoming_) ::close(l.sock);
}

void OverflowRefuser::refuse(int sock) {
  ::fcntl(sock, F_SETFL, ::fcntl(sock, F_GETFL) | O_NONBLOCK);
  // A fresh socket's send buffer takes the few hundred bytes whole; a peer that is gone just fails.
  if (!response_.empty()) ::send(sock, response_.data(), response_.size(), MSG_NOSIGNAL);
  linger(sock);
}

void OverflowRefuser::linger(int sock) {
  ::fcntl(sock, F_SETFL, ::fcntl(sock, F_GETFL) | O_NONBLOCK);
  ::shutdown(sock, SHUT_WR);
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      incoming_.push_back({sock, std::chrono::steady_clock::now() + linger_});
      sock = -1;
    }
  }
  if (sock >= 0) ::close(sock);
  wake_.signal();
}

// Reads and drops what a lingering peer sends; true once it is done (EOF, error) with the socket.
static bool drained(int sock) {
  char scratch[16384];
  for (int reads = 0; reads < 64; ++reads) {  // bounded: a fast sender must not hold this thread
    const ssize_t n = ::recv(sock, scratch, sizeof scratch, 0);
    if (n > 0) continue;
    return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
  }
  return false;
}

void OverflowRefuser::loop() {
  std::vector<Lingering> lingering;
  std::vector<pollfd> fds;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
      for (auto& l : incoming_) {
        if (lingering.size() < max_lingering_)
          lingering.push_back(l);
        else
          ::close(l.sock);
      }
      incoming_.clear();
    }
    const auto now = std::chrono::steady_clock::now();
    auto next = now + std::chrono::seconds(60);
    for (const auto& l : lingering) next = std::min(next, l.until);
    fds.assign(1, pollfd{wake_.fd(), POLLIN, 0});
    for (const auto& l : lingering) fds.push_back(pollfd{l.sock, POLLIN, 0});
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1;
    ::poll(fds.data(), fds.size(), static_cast<int>(std::max<long long>(wait, 0)));
    wake_.clear();
    const auto after = std::chrono::steady_clock::now();
    std::vector<Lingering> kept;
    for (std::size_t i = 0; i < lingering.size(); ++i) {
      const bool done = (fds[i + 1].revents != 0 && drained(lingering[i].sock)) || after >= lingering[i].until;
      if (done)
        ::close(lingering[i].sock);
      else
        kept.push_back(lingering[i]);
    }
    lingering.swap(kept);
  }
  for (const auto& l : lingering) ::close(l.sock);
}

}  // namespace fini::http
