#pragma once
// The single writer of stdout: one compact JSON message per line, serialized by a mutex so
// concurrent workers never interleave. On the process's own std::cout the prepared line goes
// out with write(2) on fd 1 (one system call, no stream buffer or flush); any other stream is
// written and flushed. Thread-safe. Never throws (a failed write is remembered and later writes
// are dropped).

#include <mutex>
#include <ostream>
#include <string_view>

#include "jsonrpc/message.hpp"

namespace fini::jsonrpc {

class Writer {
 public:
  explicit Writer(std::ostream& out);
  void write(const Json& message);
  bool failed() const;
  // Waits for a write in progress, then drops every later one (process exit).
  void close();

 private:
  bool write_line(std::string_view line);  // false: the output is gone

  std::ostream& out_;
  const int fd_;  // 1 when out_ is std::cout still on the process's stdout; -1 otherwise
  mutable std::mutex mutex_;
  bool failed_ = false;
};

}  // namespace fini::jsonrpc
