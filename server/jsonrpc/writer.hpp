#pragma once
// The single writer of stdout: one compact JSON message per line, flushed, serialized by a
// mutex so concurrent workers never interleave. Thread-safe. Never throws (a failed stream
// is remembered and later writes are dropped).

#include <mutex>
#include <ostream>

#include "jsonrpc/message.hpp"

namespace fini::jsonrpc {

class Writer {
 public:
  explicit Writer(std::ostream& out) : out_(out) {}
  void write(const Json& message);
  bool failed() const;
  // Waits for a write in progress, then drops every later one (process exit).
  void close();

 private:
  std::ostream& out_;
  mutable std::mutex mutex_;
  bool failed_ = false;
};

}  // namespace fini::jsonrpc
