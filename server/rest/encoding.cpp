#include "rest/encoding.hpp"

namespace fini::rest {
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

std::string encode_unreserved(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  return out;
}

}  // namespace

std::string percent_encode_segment(std::string_view raw) {
  // Dots are unreserved and harmless inside a name ("v1.2"), but a whole-segment "." or ".."
  // is a dot-segment that servers and proxies normalize away.
  if (raw == ".") return "%2E";
  if (raw == "..") return "%2E%2E";
  return encode_unreserved(raw);
}

std::string percent_encode_query(std::string_view raw) { return encode_unreserved(raw); }

std::string encode_query_string(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) out += '&';
    out += percent_encode_query(key);
    out += '=';
    out += percent_encode_query(value);
  }
  return out;
}

}  // namespace fini::rest
