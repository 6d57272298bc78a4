#pragma once
// Lower-case hexadecimal encoding of bytes (digests, tokens, fingerprints).
// Pure: thread-safe, never throws (beyond std::bad_alloc).

#include <string>
#include <string_view>

namespace fini {

// Two lower-case hex digits per byte; with `max_chars` set, the first `max_chars` digits only
// (rounded up to whole bytes), for short fingerprints.
std::string hex_encode(std::string_view bytes, std::size_t max_chars = std::string::npos);

// SHA-256 of `bytes` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace fini
