#include "oauth/redirect_uri.hpp"

#include "common/text.hpp"

#include <cctype>

namespace fini::oauth {

namespace {

struct Parts {
  std::string scheme, authority, host;
};

std::optional<Parts> split(std::string_view uri) {
  Parts p;
  if (uri.rfind("https://", 0) == 0)
    p.scheme = "https";
  else if (uri.rfind("http://", 0) == 0)
    p.scheme = "http";
  else
    return std::nullopt;
  const std::size_t start = p.scheme.size() + 3;
  const std::size_t end = uri.find_first_of("/?#", start);
  p.authority = std::string(uri.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
  p.host = p.authority;
  if (!p.host.empty() && p.host.front() == '[') {
    const auto close = p.host.find(']');
    p.host = close == std::string::npos ? std::string() : p.host.substr(0, close + 1);
  } else if (const auto colon = p.host.rfind(':'); colon != std::string::npos) {
    p.host = p.host.substr(0, colon);
  }
  return p;
}

bool loopback_host(const std::string& host) { return host == "127.0.0.1" || host == "localhost" || host == "[::1]"; }

}  // namespace

std::optional<std::string> redirect_uri_problem(std::string_view uri) {
  if (uri.empty()) return "the redirect URI is empty";
  if (uri.size() > kMaxRedirectUriLength) return "the redirect URI is longer than 2000 characters";
  for (char c : uri) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '`' || c == '\'') {
      return "the redirect URI has a character that must be percent-encoded";
    }
  }
  if (uri.find('#') != std::string_view::npos) return "the redirect URI must not have a fragment";
  auto parts = split(uri);
  if (!parts) return "the redirect URI must be https (or http on 127.0.0.1, [::1] or localhost)";
  if (parts->authority.find('@') != std::string::npos) return "the redirect URI must not carry user information";
  if (parts->host.empty()) return "the redirect URI has no host";
  if (parts->scheme == "http" && !loopback_host(parts->host)) {
    return "plain http redirect URIs are allowed only on 127.0.0.1, [::1] or localhost";
  }
  return std::nullopt;
}

std::string uri_origin(std::string_view uri) {
  auto parts = split(uri);
  return parts ? parts->scheme + "://" + parts->authority : std::string();
}

std::string uri_host(std::string_view uri) {
  auto parts = split(uri);
  return parts ? parts->host : std::string();
}

bool is_loopback_uri(std::string_view uri) {
  auto parts = split(uri);
  return parts && loopback_host(parts->host);
}

bool is_claude_uri(std::string_view uri) {
  auto parts = split(uri);
  return parts && parts->scheme == "https" &&
         (to_lower(parts->host) == "claude.ai" || to_lower(parts->host) == "claude.com");
}

bool redirect_host_allowed(std::string_view uri, const std::vector<std::string>& extra) {
  if (is_loopback_uri(uri) || is_claude_uri(uri)) return true;
  auto parts = split(uri);
  if (!parts) return false;
  const std::string host = to_lower(parts->host);
  for (const auto& allowed : extra) {
    const std::string a = to_lower(allowed);
    if (a == host) return true;
    if (a.rfind("*.", 0) == 0 && host.size() > a.size() - 1 &&
        host.compare(host.size() - (a.size() - 1), a.size() - 1, a, 1) == 0) {
      return true;
    }
  }
  return false;
}

std::string with_query(const std::string& uri, const std::string& params) {
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + params;
}

}  // namespace fini::oauth
