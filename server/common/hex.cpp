#include "common/hex.hpp"

#include <algorithm>

#include "common/crypto.hpp"

namespace fini {

std::string hex_encode(std::string_view bytes, std::size_t max_chars) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(std::min(bytes.size() * 2, max_chars));
  for (unsigned char b : bytes) {
    if (out.size() >= max_chars) break;
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) { return hex_encode(sha256(bytes)); }

}  // namespace fini
