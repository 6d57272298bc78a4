#pragma once
// Reads one request body from the connection, Content-Length or chunked, never past `limit`
// bytes: at the limit it stops (the rest is never buffered) and says so, so the server answers
// 413 and closes the connection. A request with neither header has no body (HTTP/1.1), so it is
// never read "until the client closes". Thread-safety: one connection thread.

#include <cstddef>
#include <string>

#include "http/conn_stream.hpp"

namespace fini::http {

enum class BodyResult { kOk, kTooLarge, kMalformed, kTimeout };

struct BodyFraming {
  bool chunked = false;
  std::size_t length = 0;  // with !chunked
};

BodyResult read_body(ConnStream& stream, const BodyFraming& framing, std::size_t limit, std::string& out);

}  // namespace fini::http
