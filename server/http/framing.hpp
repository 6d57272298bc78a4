#pragma once
// Pure checks on a request's framing headers, before its body is read: where the body ends must
// be unambiguous (one Content-Length value, no Content-Length beside chunked, no other
// Transfer-Encoding), and credentials unambiguous (one Authorization header). Anything else is
// refused with 400 and the connection closed, never guessed at (request smuggling through a
// proxy that reads the framing differently). Thread-safe; never throw.

#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>

#include "http/body_reader.hpp"

namespace fini::http {

struct FramingVerdict {
  std::optional<BodyFraming> framing;  // set: acceptable
  std::string refusal;                 // else: why (a fixed text, never quoting the request)
};

FramingVerdict check_framing(const httplib::Headers& headers);

// The request method if it is a known HTTP token, else "INVALID": what the access log prints
// (mis-framed bytes, possibly a key, parse as a "method").
std::string_view loggable_method(std::string_view method);

}  // namespace fini::http
