#pragma once
// Reads newline-delimited messages from a stream with a length limit. A line over the limit is
// consumed to its end without being buffered and reported as oversized. Not thread-safe: one
// reader thread owns it. Never throws (stream errors read as EOF).

#include <cstddef>
#include <istream>
#include <string>

namespace fini::jsonrpc {

class LineReader {
 public:
  enum class Status { kLine, kOversized, kEof };

  LineReader(std::istream& in, std::size_t max_line_bytes) : in_(in), max_(max_line_bytes) {}

  // Next line into `line` (without '\n'). kOversized: `line` is empty, the input was skipped.
  Status next(std::string& line);

 private:
  std::istream& in_;
  std::size_t max_;
};

}  // namespace fini::jsonrpc
