#include "jsonrpc/line_reader.hpp"

namespace fini::jsonrpc {

LineReader::Status LineReader::next(std::string& line) {
  line.clear();
  std::streambuf* buf = in_.rdbuf();
  if (buf == nullptr) return Status::kEof;
  bool oversized = false;
  bool any = false;
  // One character at a time from the stream's own buffer: sbumpc only reaches the OS when the
  // buffer is empty, and an oversized line is consumed without being kept.
  for (int c = buf->sbumpc(); c != std::char_traits<char>::eof(); c = buf->sbumpc()) {
    any = true;
    if (c == '\n') return oversized ? Status::kOversized : Status::kLine;
    if (oversized) continue;
    if (line.size() >= max_) {
      oversized = true;
      line.clear();
      line.shrink_to_fit();
      continue;
    }
    line.push_back(static_cast<char>(c));
  }
  if (!any) return Status::kEof;
  return oversized ? Status::kOversized : Status::kLine;  // a last line without '\n'
}

}  // namespace fini::jsonrpc
