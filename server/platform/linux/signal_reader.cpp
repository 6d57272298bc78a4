#include "platform/signal_reader.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

namespace fini::platform {

SignalReader::SignalReader(const sigset_t& signals) : fd_(::signalfd(-1, &signals, SFD_CLOEXEC)) {}

SignalReader::~SignalReader() {
  if (fd_ >= 0) ::close(fd_);
}

int SignalReader::next(const Wakeup& stop) {
  if (fd_ < 0 || !stop.valid()) return 0;
  for (;;) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {stop.fd(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return 0;
    }
    if (fds[1].revents != 0) return 0;
    signalfd_siginfo info{};
    if (::read(fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
    return static_cast<int>(info.ssi_signo);
  }
}

}  // namespace fini::platform
