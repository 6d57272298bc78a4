#include "rest/base_url.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace fini::rest {
namespace {

bool is_dotted_quad_127(std::string_view host) {
  int parts = 0;
  int first = -1;
  std::size_t i = 0;
  while (i <= host.size()) {
    std::size_t end = host.find('.', i);
    if (end == std::string_view::npos) end = host.size();
    const std::string_view part = host.substr(i, end - i);
    if (part.empty() || part.size() > 3) return false;
    int value = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc() || ptr != part.data() + part.size() || value > 255) return false;
    if (parts == 0) first = value;
    ++parts;
    i = end + 1;
  }
  return parts == 4 && first == 127;
}

// Host characters we accept: a DNS name or an IPv4 literal. Anything else (spaces, '%', '@', '\')
// is refused rather than passed on to the resolver.
bool is_valid_reg_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
  });
}

bool is_valid_ipv6(std::string_view host) {
  if (host.empty()) return false;
  return std::all_of(host.begin(), host.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.'; });
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  const std::string h = to_lower(host);
  return h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1" || is_dotted_quad_127(h);
}

bool BaseUrl::is_loopback() const { return is_loopback_host(host); }

std::string BaseUrl::to_string() const {
  // Appended piecewise: GCC 12 -O3 reports a false -Wrestrict on `"[" + host + "]"`.
  std::string out = scheme;
  out += "://";
  const bool ipv6 = host.find(':') != std::string::npos;
  if (ipv6) out += '[';
  out += host;
  if (ipv6) out += ']';
  const bool default_port = (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
  if (!default_port) {
    out += ':';
    out += std::to_string(port);
  }
  out += prefix;
  return out;
}

Result<BaseUrl> parse_base_url(std::string_view url) {
  const std::string shown(url.substr(0, 200));
  auto bad = [&](const std::string& why) -> Status {
    return invalid_argument("invalid base URL '" + shown + "': " + why);
  };
  if (url.empty()) return invalid_argument("invalid base URL '': empty");
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return bad("contains whitespace, control or non-ASCII characters");
  }

  const std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) return bad("expected scheme://host, e.g. https://api-prod.usefini.com");
  BaseUrl out;
  out.scheme = to_lower(url.substr(0, sep));
  if (out.scheme != "https" && out.scheme != "http") return bad("scheme must be https or http");

  std::string_view rest = url.substr(sep + 3);
  const std::size_t path_at = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_at);
  std::string_view path = path_at == std::string_view::npos ? std::string_view{} : rest.substr(path_at);
  if (path.find_first_of("?#") != std::string_view::npos) return bad("query and fragment are not allowed");
  if (authority.find('@') != std::string_view::npos) return bad("user info is not allowed (pass the key separately)");
  if (authority.empty()) return bad("missing host");

  std::string_view host;
  std::string_view port_text;
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 literal");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("unexpected characters after IPv6 literal");
      port_text = after.substr(1);
      if (port_text.empty()) return bad("empty port");
    }
    if (!is_valid_ipv6(host)) return bad("invalid IPv6 literal");
  } else {
    const std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return bad("empty port");
    }
    if (!is_valid_reg_name(host)) return bad("invalid host");
  }
  out.host = to_lower(host);

  if (port_text.empty()) {
    out.port = out.scheme == "https" ? 443 : 80;
  } else {
    int port = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port < 1 || port > 65535) {
      return bad("port must be a number from 1 to 65535");
    }
    out.port = port;
  }

  std::string prefix(path);
  if (prefix.find("/./") != std::string::npos || prefix.find("/../") != std::string::npos || prefix.ends_with("/.") ||
      prefix.ends_with("/..")) {
    return bad("path prefix must not contain '.' or '..' segments");
  }
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  out.prefix = std::move(prefix);

  if (out.scheme == "http" && !out.is_loopback()) {
    return invalid_argument("refusing to send the API key over plain http to host " + out.host + "; use https");
  }
  return out;
}

}  // namespace fini::rest
