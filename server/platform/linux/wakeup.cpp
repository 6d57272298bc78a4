#include "platform/wakeup.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace fini::platform {

Wakeup::Wakeup() : read_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)), write_fd_(read_fd_) {}

Wakeup::~Wakeup() {
  if (read_fd_ >= 0) ::close(read_fd_);
}

void Wakeup::signal() const {
  if (write_fd_ < 0) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(write_fd_, &one, sizeof one);
}

void Wakeup::clear() const {
  if (read_fd_ < 0) return;
  std::uint64_t count = 0;  // an eventfd read returns the whole count and resets it
  [[maybe_unused]] const auto n = ::read(read_fd_, &count, sizeof count);
}

}  // namespace fini::platform
