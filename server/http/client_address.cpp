#include "http/client_address.hpp"

#include "common/text.hpp"

#include <arpa/inet.h>

#include <cstdlib>
#include <cstring>

namespace fini::http {

namespace {

bool matches(const Cidr& range, const std::array<std::uint8_t, 16>& a) {
  int bits = range.prefix;
  for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const auto mask = static_cast<std::uint8_t>(bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff);
    if ((range.bytes[i] & mask) != (a[i] & mask)) return false;
  }
  return true;
}

bool is_v4_mapped(const std::array<std::uint8_t, 16>& a) {
  for (std::size_t i = 0; i < 10; ++i) {
    if (a[i] != 0) return false;
  }
  return a[10] == 0xff && a[11] == 0xff;
}

}  // namespace

std::optional<std::array<std::uint8_t, 16>> parse_ip(std::string_view text) {
  text = trim(text, kHttpWhitespace);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string s(text);
  std::array<std::uint8_t, 16> out{};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(&out[12], &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

Result<TrustedProxies> TrustedProxies::parse(std::string_view list) {
  TrustedProxies out;
  std::size_t pos = 0;
  while (pos < list.size()) {
    std::size_t end = list.find_first_of(", ", pos);
    if (end == std::string_view::npos) end = list.size();
    const std::string_view item = list.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty() || item == "none") continue;
    const auto slash = item.find('/');
    auto ip = parse_ip(item.substr(0, slash));
    if (!ip)
      return invalid_argument("--trusted-proxies: \"" + std::string(item) + "\" is not an address or CIDR range");
    Cidr range{*ip, 128};
    const bool v4 = is_v4_mapped(*ip) && item.find(':') == std::string_view::npos;
    if (slash != std::string_view::npos) {
      const std::string bits(item.substr(slash + 1));
      char* rest = nullptr;
      const long n = std::strtol(bits.c_str(), &rest, 10);
      if (bits.empty() || *rest != '\0' || n < 0 || n > (v4 ? 32 : 128)) {
        return invalid_argument("--trusted-proxies: \"" + std::string(item) + "\" has an invalid prefix length");
      }
      range.prefix = static_cast<int>(v4 ? n + 96 : n);
    }
    out.ranges_.push_back(range);
  }
  return out;
}

bool TrustedProxies::trusts(std::string_view address) const {
  if (ranges_.empty()) return false;
  auto ip = parse_ip(address);
  if (!ip) return false;
  for (const auto& r : ranges_) {
    if (matches(r, *ip)) return true;
  }
  return false;
}

std::string client_address(std::string_view peer, std::string_view forwarded_for, const TrustedProxies& trusted) {
  std::string_view client = peer;
  if (!trusted.trusts(peer)) return std::string(peer);
  // Right to left: each hop was appended by the proxy before it; stop at the first one no
  // trusted proxy stands for.
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    const auto comma = rest.rfind(',');
    const std::string_view hop = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1), kHttpWhitespace);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (hop.empty()) continue;
    client = hop;
    if (!trusted.trusts(hop)) break;
  }
  return std::string(client.substr(0, 64));
}

std::string client_bucket(std::string_view address) {
  auto ip = parse_ip(address);
  if (!ip) return std::string(trim(address, kHttpWhitespace).substr(0, 64));
  char text[INET6_ADDRSTRLEN] = {};
  if (is_v4_mapped(*ip)) {
    inet_ntop(AF_INET, &(*ip)[12], text, sizeof(text));
    return text;
  }
  std::array<std::uint8_t, 16> net{};
  std::memcpy(net.data(), ip->data(), 8);
  inet_ntop(AF_INET6, net.data(), text, sizeof(text));
  return std::string(text) + "/64";
}

}  // namespace fini::http
