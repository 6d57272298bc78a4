#pragma once
// BaseUrl: where the Fini API lives, and the policy on which URLs may carry the API key.
// Thread-safety: value types and pure functions. Never throws.

#include <string>
#include <string_view>

#include "common/status.hpp"

namespace fini::rest {

// Where Fini lives when nothing else is said (no --base-url, FINI_BASE_URL or stored profile).
inline constexpr const char* kProductionBaseUrl = "https://api-prod.usefini.com";

struct BaseUrl {
  std::string scheme;  // "http" | "https", lower case
  std::string host;    // lower case; IPv6 literals without brackets ("::1")
  int port = 0;        // always set (80/443 when the URL had none)
  std::string prefix;  // path prefix without a trailing '/', usually "" (e.g. "/v2")

  // "https://api-prod.usefini.com", "http://127.0.0.1:8080/v2": default ports omitted.
  std::string to_string() const;
  // 127.0.0.0/8, ::1, localhost.
  bool is_loopback() const;

  friend bool operator==(const BaseUrl&, const BaseUrl&) = default;
};

// Parses "scheme://host[:port][/prefix]" and applies the key-safety policy: https for any host,
// plain http only for a loopback host, since the bearer key would otherwise cross the network
// in clear text. No user info, query or fragment. Errors are kInvalidArgument.
Result<BaseUrl> parse_base_url(std::string_view url);

// True for 127.0.0.0/8 dotted quads, "::1" and "localhost" (case-insensitive).
bool is_loopback_host(std::string_view host);

}  // namespace fini::rest
