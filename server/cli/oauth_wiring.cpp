#include "cli/oauth_wiring.hpp"

#include <spdlog/spdlog.h>

namespace fini::cli {

Result<std::unique_ptr<oauth::AuthServer>> make_auth_server(const ServeOptions& options, ServerCore& core) {
  if (options.no_oauth) return std::unique_ptr<oauth::AuthServer>();
  auto ring = options.token_secret_file.empty() ? oauth::KeyRing::ephemeral()
                                                : oauth::KeyRing::from_file(options.token_secret_file);
  if (!ring.ok()) return ring.status();
  if (options.token_secret_file.empty()) {
    spdlog::warn("no --token-secret-file: OAuth sign-ins are sealed with a secret made for this process only; they "
                 "end when it exits and other replicas cannot read them");
  }
  std::string public_url = options.public_url;
  while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
  if (!public_url.empty() && public_url.rfind("https://", 0) != 0 && public_url.rfind("http://", 0) != 0) {
    return invalid_argument("--public-url must be an origin such as https://mcp.example.com");
  }
  oauth::AuthServerOptions o;
  o.public_url = public_url;
  o.tls = !options.tls_cert.empty();
  o.tokens.access_ttl = std::chrono::seconds(options.access_token_ttl_s);
  o.tokens.refresh_ttl = std::chrono::seconds(options.refresh_token_ttl_s);
  o.tokens.code_ttl = std::chrono::seconds(options.auth_code_ttl_s);
  o.clients.ca_file = options.ca_file;
  o.clients.allow_private_hosts = options.oauth_private_metadata_hosts;
  rest::HttpClient& http = *core.http;
  const std::string base = core.base_url;
  auto checker = [&http, base](const std::string& key) { return credentials::check_key(http, key, base); };
  return std::make_unique<oauth::AuthServer>(std::move(*ring), checker, o);
}

}  // namespace fini::cli
