#include "rest/proxy.hpp"

#include "common/percent.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <initializer_list>

namespace fini::rest {

namespace {

// "host[:port]" or "[v6][:port]" into host and port (default when absent).
Status split_host_port(std::string_view text, int default_port, std::string& host, int& port) {
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return invalid_argument("unclosed [ in the host");
    host = to_lower(text.substr(1, close - 1));
    text.remove_prefix(close + 1);
    if (!text.empty() && text.front() != ':') return invalid_argument("unexpected text after the host");
    if (!text.empty()) port_text = text.substr(1);
  } else {
    const auto colon = text.rfind(':');
    host = to_lower(text.substr(0, colon));
    if (colon != std::string_view::npos) port_text = text.substr(colon + 1);
  }
  if (host.empty()) return invalid_argument("no host");
  port = default_port;
  if (!port_text.empty()) {
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 || port > 65535) {
      return invalid_argument("the port must be a number from 1 to 65535");
    }
  }
  return {};
}

bool host_matches(std::string_view entry, std::string_view host) {
  if (!entry.empty() && entry.front() == '.') entry.remove_prefix(1);
  if (entry.empty()) return false;
  if (host == entry) return true;
  return host.size() > entry.size() && host.substr(host.size() - entry.size()) == entry &&
         host[host.size() - entry.size() - 1] == '.';
}

// The first of names set to a value; empty values and placeholders a bundle host left
// unsubstituted ("${user_config.proxy}") count as unset.
const char* first_set(const EnvLookup& env, std::initializer_list<const char*> names, std::string& which) {
  for (const char* name : names) {
    const char* v = env(name);
    if (v != nullptr && *v != '\0' && std::string_view(v).rfind("${", 0) != 0) {
      which = name;
      return v;
    }
  }
  return nullptr;
}

}  // namespace

std::string ProxySetting::describe() const {
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "http://" + h + ":" + std::to_string(port) + " (" + source + ")";
}

Result<ProxySetting> parse_proxy_url(std::string_view url, std::string source) {
  const std::string where = "the proxy URL from " + source;
  url = trim(url);
  if (const auto scheme_end = url.find("://"); scheme_end != std::string_view::npos) {
    const std::string scheme = to_lower(url.substr(0, scheme_end));
    if (scheme != "http") {
      return invalid_argument(where + " uses " + scheme +
                              "://; only http:// proxies are supported (the tunnel to Fini is TLS)");
    }
    url.remove_prefix(scheme_end + 3);
  }
  if (!url.empty() && url.back() == '/') url.remove_suffix(1);
  if (url.find_first_of("/?#") != std::string_view::npos) return invalid_argument(where + " must not have a path");
  ProxySetting p;
  p.source = std::move(source);
  if (const auto at = url.rfind('@'); at != std::string_view::npos) {
    const std::string_view info = url.substr(0, at);
    const auto colon = info.find(':');
    auto user = percent_decode(info.substr(0, colon));
    auto pass = percent_decode(colon == std::string_view::npos ? std::string_view() : info.substr(colon + 1));
    if (!user || !pass) return invalid_argument(where + " has a malformed %-escape in its credentials");
    p.username = std::move(*user);
    p.password = std::move(*pass);
    url.remove_prefix(at + 1);
  }
  if (Status s = split_host_port(url, 1080, p.host, p.port); !s.ok())
    return invalid_argument(where + ": " + s.message());
  return p;
}

bool no_proxy_matches(std::string_view list, std::string_view host_in, int port) {
  const std::string host = to_lower(host_in);
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string entry = to_lower(trim(list.substr(0, comma)));
    list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
    if (entry == "*") return true;
    std::string entry_host;
    int entry_port = 0;
    if (entry.empty() || !split_host_port(entry, 0, entry_host, entry_port).ok()) continue;
    if (entry_port != 0 && entry_port != port) continue;
    if (host_matches(entry_host, host)) return true;
  }
  return false;
}

Result<std::optional<ProxySetting>> choose_proxy(const BaseUrl& base, const std::string& explicit_url,
                                                 const EnvLookup& env) {
  std::string source = "--proxy";
  const char* url = explicit_url.empty() ? first_set(env, {"FINI_PROXY", "https_proxy", "HTTPS_PROXY"}, source)
                                         : explicit_url.c_str();
  if (url == nullptr || base.scheme != "https") return std::optional<ProxySetting>();
  auto parsed = parse_proxy_url(url, source);
  if (!parsed.ok()) return parsed.status();
  std::string which;
  if (const char* list = first_set(env, {"no_proxy", "NO_PROXY"}, which);
      list && no_proxy_matches(list, base.host, base.port)) {
    return std::optional<ProxySetting>();
  }
  return std::optional<ProxySetting>(std::move(*parsed));
}

}  // namespace fini::rest
