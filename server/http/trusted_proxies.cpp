#include "http/trusted_proxies.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>

namespace fini::http {

namespace {

struct Range {
  std::array<std::uint8_t, 16> addr{};  // IPv4 as v4-mapped IPv6
  int bits = 128;
};

std::vector<Range>& ranges() {
  static std::vector<Range> list;
  return list;
}

std::optional<std::array<std::uint8_t, 16>> parse_addr(const std::string& text, bool& v4) {
  std::array<std::uint8_t, 16> out{};
  in_addr a4{};
  if (::inet_pton(AF_INET, text.c_str(), &a4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &a4, 4);
    v4 = true;
    return out;
  }
  if (::inet_pton(AF_INET6, text.c_str(), out.data()) == 1) {
    v4 = false;
    return out;
  }
  return std::nullopt;
}

bool in_range(const Range& r, const std::array<std::uint8_t, 16>& a) {
  for (int bit = 0; bit < r.bits; ++bit) {
    const int byte = bit / 8;
    const auto mask = static_cast<std::uint8_t>(0x80 >> (bit % 8));
    if ((r.addr[static_cast<std::size_t>(byte)] & mask) != (a[static_cast<std::size_t>(byte)] & mask)) return false;
  }
  return true;
}

}  // namespace

Status set_trusted_proxies(const std::vector<std::string>& entries) {
  std::vector<Range> list;
  for (const auto& entry : entries) {
    if (entry == "none" || entry.empty()) continue;
    const auto slash = entry.find('/');
    bool v4 = false;
    const auto addr = parse_addr(entry.substr(0, slash), v4);
    int bits = v4 ? 32 : 128;
    if (addr && slash != std::string::npos) {
      const std::string b = entry.substr(slash + 1);
      const auto [end, ec] = std::from_chars(b.data(), b.data() + b.size(), bits);
      if (ec != std::errc() || end != b.data() + b.size() || bits < 0 || bits > (v4 ? 32 : 128)) bits = -1;
    }
    if (!addr || bits < 0) return invalid_argument("--trusted-proxies: not an address or CIDR range: " + entry);
    list.push_back(Range{*addr, v4 ? bits + 96 : bits});
  }
  ranges() = std::move(list);
  return {};
}

bool is_trusted_proxy(const std::string& peer_addr) {
  bool v4 = false;
  const auto addr = parse_addr(peer_addr, v4);
  if (!addr) return false;
  for (const auto& r : ranges()) {
    if (in_range(r, *addr)) return true;
  }
  return false;
}

}  // namespace fini::http
