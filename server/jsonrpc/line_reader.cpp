#include "jsonrpc/line_reader.hpp"

#include <algorithm>
#include <cstring>

namespace fini::jsonrpc {

LineReader::Status LineReader::next(std::string& line) {
  line.clear();
  std::streambuf* buf = in_.rdbuf();
  if (buf == nullptr) return Status::kEof;
  bool oversized = false;
  bool any = false;
  for (;;) {
    // Scan what is already buffered in bulk where possible; fall back to one char at a time.
    std::streamsize avail = buf->in_avail();
    if (avail > 0) {
      char chunk[4096];
      std::streamsize want = std::min<std::streamsize>(avail, static_cast<std::streamsize>(sizeof chunk));
      // Peek for a newline inside the chunk without consuming past it.
      std::streamsize n = 0;
      bool newline = false;
      while (n < want) {
        int c = buf->sbumpc();
        if (c == std::char_traits<char>::eof()) break;
        any = true;
        if (c == '\n') {
          newline = true;
          break;
        }
        chunk[n++] = static_cast<char>(c);
      }
      if (!oversized) {
        if (line.size() + static_cast<std::size_t>(n) > max_) {
          oversized = true;
          line.clear();
          line.shrink_to_fit();
        } else {
          line.append(chunk, static_cast<std::size_t>(n));
        }
      }
      if (newline) return oversized ? Status::kOversized : Status::kLine;
      continue;
    }
    int c = buf->sbumpc();  // blocks until data or EOF
    if (c == std::char_traits<char>::eof()) {
      if (!any) return Status::kEof;
      return oversized ? Status::kOversized : Status::kLine;  // last line without '\n'
    }
    any = true;
    if (c == '\n') return oversized ? Status::kOversized : Status::kLine;
    if (!oversized) {
      if (line.size() + 1 > max_) {
        oversized = true;
        line.clear();
        line.shrink_to_fit();
      } else {
        line.push_back(static_cast<char>(c));
      }
    }
  }
}

}  // namespace fini::jsonrpc
