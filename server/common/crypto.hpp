#pragma once
// Small byte helpers for sealing and tokens: base64url (no padding, RFC 4648 §5), SHA-256,
// random bytes from OpenSSL, and a constant-time compare. Pure functions: thread-safe, never throw.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace fini {

std::string base64url_encode(std::string_view bytes);
// nullopt for any character outside the base64url alphabet, padding, or an impossible length.
std::optional<std::string> base64url_decode(std::string_view text);
std::string sha256(std::string_view bytes);  // 32 raw bytes
// `n` bytes from RAND_bytes; nullopt if the system generator fails.
std::optional<std::string> random_bytes(std::size_t n);
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace fini
