#pragma once
// Pure checks on one HTTP request to /mcp, kept apart from the server so each rule has a unit
// test: Origin and Host (DNS rebinding), the bearer key, MCP-Protocol-Version, Accept.
// Thread-safe; never throw.

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace fini::http {

struct OriginPolicy {
  std::set<std::string> allowed_origins;  // exact "scheme://host[:port]" values
  bool loopback = false;                  // bound to 127.0.0.1/::1/localhost
  int port = 0;                           // the bound port (loopback Host/Origin checks)
};

bool is_loopback_host(std::string_view host);  // "127.0.0.1", "localhost", "::1", "[::1]"
// An absent Origin (non-browser clients) passes; a present one must be allowed, or be this
// loopback server's own origin.
bool origin_allowed(const OriginPolicy& policy, std::string_view origin);
// On loopback, Host must name a loopback address (a rebound DNS name does not); elsewhere any.
bool host_allowed(const OriginPolicy& policy, std::string_view host);

// The key of `Authorization: Bearer fini_…`; nullopt when absent, not Bearer, or not key-shaped.
std::optional<std::string> bearer_key(std::string_view authorization);

// The credential of `Authorization: Bearer <token>` whatever its shape (an OAuth access token),
// at most 16 KiB; nullopt when absent or not Bearer.
std::optional<std::string> bearer_token(std::string_view authorization);

// The revision a request speaks: the header's when supported, 2025-03-26 when absent (spec);
// nullopt for an unsupported value (→ 400).
std::optional<std::string> protocol_version(std::string_view header, bool present);

// Whether Accept lists the media type (or a matching wildcard).
bool accepts(std::string_view accept, std::string_view media_type);

}  // namespace fini::http
