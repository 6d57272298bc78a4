#pragma once
// Who a request comes from, for per-client limits: the peer address, or, when the peer is one
// of the `--trusted-proxies`, the first X-Forwarded-For hop (from the right) that is not a
// trusted proxy. A client can write anything into X-Forwarded-For, so hops are only believed
// as far as a trusted proxy vouches for them. IPv6 clients are grouped by their /64 (one host
// usually owns a whole /64). Pure values and functions: thread-safe, never throw.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace fini::http {

// An IPv4 or IPv6 address (IPv4 as ::ffff:a.b.c.d) with a prefix length over 128 bits.
struct Cidr {
  std::array<std::uint8_t, 16> bytes{};
  int prefix = 128;
};

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // "10.0.0.0/8, 127.0.0.1, ::1, fd00::/8" (comma or space separated); empty or "none": none trusted.
  static Result<TrustedProxies> parse(std::string_view list);
  bool trusts(std::string_view address) const;
  bool empty() const { return ranges_.empty(); }

 private:
  std::vector<Cidr> ranges_;
};

// The client of a request that arrived from `peer` with this X-Forwarded-For value ("" when absent).
std::string client_address(std::string_view peer, std::string_view forwarded_for, const TrustedProxies& trusted);

// The text per-client limits count under: an IPv4 address as is, an IPv6 one as its /64
// ("2001:db8:1:2::/64"), anything unparsable as at most 64 bytes of itself.
std::string client_bucket(std::string_view address);

// Parses "a.b.c.d" or an IPv6 address (brackets allowed) into 16 bytes (IPv4 mapped).
std::optional<std::array<std::uint8_t, 16>> parse_ip(std::string_view text);

}  // namespace fini::http
