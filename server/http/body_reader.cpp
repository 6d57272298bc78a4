#include "http/body_reader.hpp"

#include <array>
#include <charconv>

namespace fini::http {

namespace {

constexpr std::size_t kMaxLine = 1024;  // a chunk-size line (with extensions) or a trailer line

BodyResult failed(const ConnStream& stream) {
  return stream.timed_out() ? BodyResult::kTimeout : BodyResult::kMalformed;
}

// One CRLF-terminated line without its CRLF; false on EOF, timeout or an overlong line.
bool read_line(ConnStream& stream, std::string& line) {
  line.clear();
  char c;
  while (line.size() <= kMaxLine) {
    if (stream.read(&c, 1) != 1) return false;
    if (c == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return true;
    }
    line.push_back(c);
  }
  return false;
}

BodyResult read_exact(ConnStream& stream, std::size_t n, std::string& out) {
  std::array<char, 16384> buf{};
  while (n > 0) {
    const ssize_t got = stream.read(buf.data(), std::min(n, buf.size()));
    if (got <= 0) return failed(stream);
    out.append(buf.data(), static_cast<std::size_t>(got));
    n -= static_cast<std::size_t>(got);
  }
  return BodyResult::kOk;
}

BodyResult read_chunked(ConnStream& stream, std::size_t limit, std::string& out) {
  // Room for the limit at once (pages are only committed as written): growing by doubling
  // would hold up to twice the body while copying.
  out.reserve(limit);
  std::string line;
  for (;;) {
    if (!read_line(stream, line)) return failed(stream);
    const std::string_view size_text = std::string_view(line).substr(0, line.find(';'));
    std::size_t size = 0;
    const auto [end, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (ec != std::errc() || end == size_text.data()) return BodyResult::kMalformed;
    if (size == 0) break;
    if (size > limit - out.size()) return BodyResult::kTooLarge;
    if (auto r = read_exact(stream, size, out); r != BodyResult::kOk) return r;
    if (!read_line(stream, line)) return failed(stream);
    if (!line.empty()) return BodyResult::kMalformed;
  }
  // Trailer fields (ignored) up to the empty line; bounded like the head.
  for (int fields = 0; fields < 64; ++fields) {
    if (!read_line(stream, line)) return failed(stream);
    if (line.empty()) return BodyResult::kOk;
  }
  return BodyResult::kMalformed;
}

}  // namespace

BodyResult read_body(ConnStream& stream, const BodyFraming& framing, std::size_t limit, std::string& out) {
  out.clear();
  if (framing.chunked) return read_chunked(stream, limit, out);
  if (framing.length > limit) return BodyResult::kTooLarge;  // refused before a byte is read
  out.reserve(framing.length);
  return read_exact(stream, framing.length, out);
}

}  // namespace fini::http
