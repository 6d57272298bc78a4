#include "jsonrpc/writer.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>

namespace fini::jsonrpc {
namespace {

// std::cout's buffer as the process started: a test that swaps it in (rdbuf) keeps the stream path.
std::streambuf* const kStdoutBuffer = std::cout.rdbuf();

int fd_of(std::ostream& out) {
  if (&out != &std::cout || out.rdbuf() != kStdoutBuffer) return -1;
  std::cout.flush();  // anything written before the first message goes first
  return STDOUT_FILENO;
}

}  // namespace

Writer::Writer(std::ostream& out) : out_(out), fd_(fd_of(out)) {}

// Called with mutex_ held: a line longer than PIPE_BUF may take several write(2) calls, and no
// other line may come between them.
bool Writer::write_line(std::string_view line) {
  if (fd_ < 0) {
    out_.write(line.data(), static_cast<std::streamsize>(line.size()));
    out_.flush();
    return static_cast<bool>(out_);
  }
  while (!line.empty()) {
    const ssize_t n = ::write(fd_, line.data(), line.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {  // a non-blocking stdout: wait until it drains
      pollfd ready{fd_, POLLOUT, 0};
      if (::poll(&ready, 1, -1) < 0 && errno != EINTR) return false;
      continue;
    }
    if (n <= 0) return false;
    line.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void Writer::write(const Json& message) {
  std::string line = serialize(message);
  line.push_back('\n');
  std::lock_guard lock(mutex_);
  if (failed_) return;
  if (!write_line(line)) failed_ = true;
}

void Writer::close() {
  std::lock_guard lock(mutex_);
  failed_ = true;
}

bool Writer::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

}  // namespace fini::jsonrpc
