#include "http/disconnect_watch.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>

namespace fini::http {

DisconnectWatch::DisconnectWatch(std::function<void(std::uint64_t)> on_gone)
    : on_gone_(std::move(on_gone)), epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)), wake_fd_(::eventfd(0, EFD_CLOEXEC)) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;  // the stop signal
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  thread_ = std::thread([this] { loop(); });
}

DisconnectWatch::~DisconnectWatch() {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

DisconnectWatch::Armed DisconnectWatch::watch(int sock, std::uint64_t id) {
  if (sock < 0) return Armed(epoll_fd_, -1);
  epoll_event ev{};
  // One-shot: a closed peer stays "readable", and one report per call is enough.
  ev.events = EPOLLRDHUP | EPOLLONESHOT;
  ev.data.u64 = id;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, sock, &ev);
  return Armed(epoll_fd_, sock);
}

DisconnectWatch::Armed::~Armed() {
  if (sock_ >= 0) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, sock_, nullptr);
}

void DisconnectWatch::loop() {
  std::array<epoll_event, 64> events{};
  for (;;) {
    const int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), -1);
    for (int i = 0; i < n; ++i) {
      if (events[static_cast<std::size_t>(i)].data.u64 == 0) return;
      on_gone_(events[static_cast<std::size_t>(i)].data.u64);
    }
  }
}

}  // namespace fini::http
