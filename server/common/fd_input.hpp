#pragma once
// A buffered std::streambuf over a file descriptor (stdin) whose blocking read can be
// interrupted from another thread: interrupt() makes the reader see end-of-input at once, so a
// shutdown never waits for the client to close the pipe. Reads wait in poll(2) on the fd and a
// platform::Wakeup. Thread-safety: one reading thread; interrupt() from any thread. Never throws.

#include <array>
#include <atomic>
#include <streambuf>

#include "platform/wakeup.hpp"

namespace fini {

class FdInput final : public std::streambuf {
 public:
  explicit FdInput(int fd);
  ~FdInput() override;
  FdInput(const FdInput&) = delete;
  FdInput& operator=(const FdInput&) = delete;

  void interrupt();

 protected:
  int_type underflow() override;

 private:
  int fd_;
  platform::Wakeup wake_;
  std::atomic<bool> interrupted_{false};
  std::array<char, 64 * 1024> buffer_{};
};

}  // namespace fini
