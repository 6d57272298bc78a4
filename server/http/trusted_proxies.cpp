#include "http/trusted_proxies.hpp"

#include "http/client_address.hpp"

namespace fini::http {

namespace {

TrustedProxies& trusted() {
  static TrustedProxies list;
  return list;
}

}  // namespace

Status set_trusted_proxies(const std::vector<std::string>& entries) {
  std::string joined;
  for (const auto& e : entries) joined += e + ",";
  auto parsed = TrustedProxies::parse(joined);
  if (!parsed.ok()) return parsed.status();
  trusted() = std::move(*parsed);
  return Status{};
}

bool is_trusted_proxy(const std::string& peer_addr) { return trusted().trusts(peer_addr); }

}  // namespace fini::http
