#include "common/fd_input.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace fini {

FdInput::FdInput(int fd) : fd_(fd) {}

FdInput::~FdInput() = default;

void FdInput::interrupt() {
  interrupted_ = true;
  wake_.signal();
}

FdInput::int_type FdInput::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  while (!interrupted_.load()) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_.fd(), POLLIN, 0}};
    const int ready = ::poll(fds, wake_.valid() ? 2 : 1, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return traits_type::eof();
    }
    if (fds[1].revents != 0) break;
    if (fds[0].revents == 0) continue;
    const ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return traits_type::eof();
    setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
    return traits_type::to_int_type(*gptr());
  }
  return traits_type::eof();
}

}  // namespace fini
