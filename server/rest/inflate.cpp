#include "rest/inflate.hpp"

#include <algorithm>
#include <array>

namespace fini::rest {

// windowBits 15 + 32: zlib and gzip headers both, detected from the first bytes.
Inflater::Inflater() : ready_(inflateInit2(&strm_, 15 + 32) == Z_OK) {}

Inflater::~Inflater() {
  if (ready_) inflateEnd(&strm_);
}

Inflater::Step Inflater::feed(std::string_view in, std::string& out, std::size_t cap) {
  if (!ready_) return Step::kCorrupt;
  if (ended_) return in.empty() ? Step::kEnd : Step::kCorrupt;
  strm_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  strm_.avail_in = static_cast<uInt>(in.size());
  std::array<char, 16384> buf{};
  for (;;) {
    strm_.next_out = reinterpret_cast<Bytef*>(buf.data());
    strm_.avail_out = static_cast<uInt>(buf.size());
    const int rc = inflate(&strm_, Z_NO_FLUSH);
    const std::size_t produced = buf.size() - strm_.avail_out;
    if (produced > cap - std::min(cap, out.size())) return Step::kTooLarge;
    out.append(buf.data(), produced);
    if (rc == Z_STREAM_END) {
      ended_ = true;
      return strm_.avail_in == 0 ? Step::kEnd : Step::kCorrupt;
    }
    if (rc == Z_BUF_ERROR) return Step::kMore;  // no progress without more input
    if (rc != Z_OK) return Step::kCorrupt;
    if (strm_.avail_in == 0 && strm_.avail_out != 0) return Step::kMore;  // input used up, output flushed
  }
}

}  // namespace fini::rest
