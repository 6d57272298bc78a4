#pragma once
// Decodes a gzip or deflate (zlib) response body as it arrives, up to a cap on the decoded
// size, and knows whether the compressed stream really ended: httplib's own decoder accepts a
// stream cut short (no end marker, no checksum) as a complete, shorter body, so a corrupt 200
// could become an empty result. Thread-safety: one per response.

#include <zlib.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace fini::rest {

class Inflater {
 public:
  enum class Step { kMore, kEnd, kCorrupt, kTooLarge };
  Inflater();
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Decodes `in`, appending to `out` (which may not grow past `cap`). kEnd once the stream's
  // end and checksum were seen; bytes after it are corrupt.
  Step feed(std::string_view in, std::string& out, std::size_t cap);
  bool ended() const { return ended_; }

 private:
  z_stream strm_{};
  bool ready_ = false;
  bool ended_ = false;
};

}  // namespace fini::rest
