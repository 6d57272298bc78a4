#pragma once
// Which HTTP proxy carries requests to Fini: --proxy, else FINI_PROXY (the bundle and plugin
// setting), https_proxy or HTTPS_PROXY, unless
// no_proxy / NO_PROXY names the host. Only https base URLs use a proxy (a CONNECT tunnel, so the
// key stays inside TLS); plain http is loopback-only and always direct.
// Thread-safety: value types and pure functions. Never throws except std::bad_alloc.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.hpp"
#include "rest/base_url.hpp"

namespace fini::rest {

struct ProxySetting {
  std::string host;  // lower case; IPv6 literals without brackets
  int port = 0;
  std::string username, password;  // percent-decoded; empty = none. Never logged or shown.
  std::string source;              // where it came from: "--proxy", "FINI_PROXY", "https_proxy", "HTTPS_PROXY"

  // "http://proxy.corp:3128 (HTTPS_PROXY)": what errors and logs show, never the credentials.
  std::string describe() const;
};

// Parses "[http://][user:password@]host[:port][/]" (port default 1080, as curl). Errors
// (kInvalidArgument) never quote the credentials.
Result<ProxySetting> parse_proxy_url(std::string_view url, std::string source);

// True when a no_proxy list ("localhost,.corp.example,10.0.0.1:8443,*") covers host:port:
// "*" matches everything; an entry matches the host itself and, with or without a leading dot,
// its subdomains; an entry with :port matches that port only. Case-insensitive.
bool no_proxy_matches(std::string_view list, std::string_view host, int port);

using EnvLookup = std::function<const char*(const char*)>;

// The proxy for requests to base: explicit (--proxy, "" = unset) wins, then FINI_PROXY,
// https_proxy, HTTPS_PROXY (empty or "${...}" = unset); nullopt when none is set, base is plain http, or no_proxy / NO_PROXY covers the
// host (it applies to --proxy too, as curl's does).
Result<std::optional<ProxySetting>> choose_proxy(const BaseUrl& base, const std::string& explicit_url,
                                                 const EnvLookup& env);

}  // namespace fini::rest
