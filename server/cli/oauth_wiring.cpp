#include "cli/oauth_wiring.hpp"

#include <spdlog/spdlog.h>

namespace fini::cli {

Result<std::shared_ptr<const KeyRing>> make_server_ring(const ServeOptions& options) {
  auto ring = options.token_secret_file.empty() ? KeyRing::ephemeral() : KeyRing::from_file(options.token_secret_file);
  if (!ring.ok()) return ring.status();
  if (options.token_secret_file.empty()) {
    spdlog::warn(
        "no --token-secret-file: OAuth sign-ins are sealed with a secret made for this process only; they "
        "end when it exits and other replicas cannot read them (2026-07-28 requestStates too)");
  }
  return std::make_shared<const KeyRing>(std::move(*ring));
}

Result<std::unique_ptr<oauth::AuthServer>> make_auth_server(const ServeOptions& options, ServerCore& core,
                                                            const KeyRing& ring,
                                                            std::shared_ptr<http::AbuseLimits> limits) {
  if (options.no_oauth) return std::unique_ptr<oauth::AuthServer>();
  std::string public_url = options.public_url;
  while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
  const bool https = public_url.rfind("https://", 0) == 0;
  if (!public_url.empty() && ((!https && public_url.rfind("http://", 0) != 0) ||
                              public_url.find_first_of("/ \"<>\\?#@", https ? 8 : 7) != std::string::npos)) {
    return invalid_argument("--public-url must be an origin such as https://mcp.example.com (no path)");
  }
  // Browsers send Origin without a default port; the issuer must match it byte for byte.
  const std::string default_port = https ? ":443" : ":80";
  if (public_url.size() > default_port.size() &&
      public_url.compare(public_url.size() - default_port.size(), default_port.size(), default_port) == 0) {
    public_url.resize(public_url.size() - default_port.size());
  }
  oauth::AuthServerOptions o;
  o.public_url = public_url;
  o.tls = !options.listener.tls_cert.empty();
  o.tokens = options.tokens;
  o.clients.ca_file = options.ca_file;
  o.clients.allow_private_hosts = options.oauth_private_metadata_hosts;
  o.clients.allowed_redirect_hosts = options.allowed_redirect_hosts;
  o.clients.documents = options.cimd;
  o.limits = std::move(limits);
  rest::HttpClient& http = *core.http;
  const std::string base = core.base_url;
  auto checker = [&http, base](const std::string& key) { return credentials::check_key(http, key, base); };
  return std::make_unique<oauth::AuthServer>(ring, checker, o);
}

}  // namespace fini::cli
