#pragma once
// Percent-decoding (RFC 3986 §2.1), the one decoder for URL parts and form fields. Every '%' must
// start an escape of two hex digits; anything else refuses the whole text (nullopt) instead of
// passing it through, so a malformed escape can never mean one thing to us and another to a peer.
// Bytes are decoded as bytes: UTF-8 escapes give UTF-8, nothing is validated or normalised.
// Pure: thread-safe, never throws (beyond std::bad_alloc).

#include <optional>
#include <string>
#include <string_view>

namespace fini {

// '+' is a space only in application/x-www-form-urlencoded data; in a path or userinfo it is '+'.
enum class Plus { kLiteral, kSpace };

std::optional<std::string> percent_decode(std::string_view text, Plus plus = Plus::kLiteral);

}  // namespace fini
