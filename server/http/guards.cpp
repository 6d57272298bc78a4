#include "http/guards.hpp"

#include <algorithm>
#include <cctype>

#include "common/text.hpp"
#include "credentials/key_format.hpp"
#include "mcp/protocol.hpp"

namespace fini::http {

namespace {

// "host[:port]" → host (IPv6 literals keep their brackets stripped).
std::string host_part(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    return close == std::string_view::npos ? std::string(authority) : std::string(authority.substr(1, close - 1));
  }
  auto colon = authority.rfind(':');
  return std::string(colon == std::string_view::npos ? authority : authority.substr(0, colon));
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  const std::string h = to_lower(host);
  return h == "127.0.0.1" || h == "localhost" || h == "::1" || h == "[::1]";
}

bool origin_allowed(const OriginPolicy& policy, std::string_view origin) {
  if (origin.empty()) return true;
  const std::string o = to_lower(origin);
  if (policy.allowed_origins.count(o) > 0) return true;
  if (!policy.loopback) return false;
  // This server's own loopback origin (a page it would serve itself): same host class and port.
  for (std::string_view scheme : {"http://", "https://"}) {
    if (o.rfind(scheme, 0) != 0) continue;
    const std::string_view authority = std::string_view(o).substr(scheme.size());
    const auto colon = authority.rfind(':');
    if (colon == std::string_view::npos || authority.find('/') != std::string_view::npos) return false;
    return is_loopback_host(host_part(authority)) && authority.substr(colon + 1) == std::to_string(policy.port);
  }
  return false;
}

bool host_allowed(const OriginPolicy& policy, std::string_view host) {
  if (!policy.loopback) return true;
  return !host.empty() && is_loopback_host(host_part(host));
}

std::optional<std::string> bearer_key(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() || to_lower(authorization.substr(0, kScheme.size())) != kScheme) {
    return std::nullopt;
  }
  std::string key(trim(authorization.substr(kScheme.size())));
  if (!credentials::check_key_format(key).ok()) return std::nullopt;
  return key;
}

std::optional<std::string> bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() || authorization.size() > kScheme.size() + 16384 ||
      to_lower(authorization.substr(0, kScheme.size())) != kScheme) {
    return std::nullopt;
  }
  std::string token(trim(authorization.substr(kScheme.size())));
  if (token.empty()) return std::nullopt;
  return token;
}

std::optional<std::string> protocol_version(std::string_view header, bool present) {
  if (!present) return std::string("2025-03-26");
  for (auto v : mcp::kSupportedProtocolVersions) {
    if (v == header) return std::string(v);
  }
  return std::nullopt;
}

bool accepts(std::string_view accept, std::string_view media_type) {
  const std::string a = to_lower(accept);
  const std::string type(media_type);
  const std::string major = type.substr(0, type.find('/')) + "/*";
  std::size_t pos = 0;
  while (pos <= a.size()) {
    auto end = a.find(',', pos);
    if (end == std::string::npos) end = a.size();
    std::string item = a.substr(pos, end - pos);
    item = item.substr(0, item.find(';'));
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item == type || item == major || item == "*/*") return true;
    pos = end + 1;
  }
  return false;
}

}  // namespace fini::http
