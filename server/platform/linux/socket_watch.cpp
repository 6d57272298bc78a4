#include "platform/socket_watch.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace fini::platform {

namespace {
constexpr std::uint64_t kStopTag = 0;
}  // namespace

SocketWatch::SocketWatch() : poll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (poll_fd_ < 0 || !stop_.valid()) return;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kStopTag;
  ::epoll_ctl(poll_fd_, EPOLL_CTL_ADD, stop_.fd(), &ev);
}

SocketWatch::~SocketWatch() {
  if (poll_fd_ >= 0) ::close(poll_fd_);
}

bool SocketWatch::add(int sock, std::uint64_t tag) {
  if (sock < 0 || tag == kStopTag || poll_fd_ < 0) return false;
  epoll_event ev{};
  // One-shot: a closed peer stays "readable", and one report per socket is enough.
  ev.events = EPOLLRDHUP | EPOLLONESHOT;
  ev.data.u64 = tag;
  return ::epoll_ctl(poll_fd_, EPOLL_CTL_ADD, sock, &ev) == 0;
}

void SocketWatch::remove(int sock) {
  if (sock >= 0 && poll_fd_ >= 0) ::epoll_ctl(poll_fd_, EPOLL_CTL_DEL, sock, nullptr);
}

void SocketWatch::stop() { stop_.signal(); }

bool SocketWatch::wait(std::vector<std::uint64_t>& gone) {
  if (!valid()) return false;
  std::array<epoll_event, 64> events{};
  for (;;) {
    const int n = ::epoll_wait(poll_fd_, events.data(), static_cast<int>(events.size()), -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    bool stopped = false;
    for (int i = 0; i < n; ++i) {
      const std::uint64_t tag = events[static_cast<std::size_t>(i)].data.u64;
      if (tag == kStopTag)
        stopped = true;  // level-triggered and never cleared: stays stopped
      else
        gone.push_back(tag);
    }
    if (stopped) return false;
    if (!gone.empty()) return true;
  }
}

}  // namespace fini::platform
