#include "common/signals.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>

namespace fini {

sigset_t block_termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return set;
}

SignalWatcher::SignalWatcher(sigset_t signals, std::function<void(int, int)> on_signal)
    : signal_fd_(::signalfd(-1, &signals, SFD_CLOEXEC)),
      stop_fd_(::eventfd(0, EFD_CLOEXEC)),
      on_signal_(std::move(on_signal)),
      thread_([this] { loop(); }) {}

SignalWatcher::~SignalWatcher() {
  const std::uint64_t one = 1;
  if (stop_fd_ >= 0) {
    [[maybe_unused]] const auto n = ::write(stop_fd_, &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
  if (signal_fd_ >= 0) ::close(signal_fd_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

void SignalWatcher::loop() {
  if (signal_fd_ < 0 || stop_fd_ < 0) return;
  int count = 0;
  for (;;) {
    pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    signalfd_siginfo info{};
    if (::read(signal_fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
    on_signal_(++count, static_cast<int>(info.ssi_signo));
  }
}

}  // namespace fini
