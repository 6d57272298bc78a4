#pragma once
// AuthServer: the OAuth 2.1 authorization server inside `serve --http` (MCP authorization,
// revision 2025-11-25), so claude.ai, Claude Desktop's Connectors and the mobile apps can sign in
// by pasting the Fini key once. It serves
//   /.well-known/oauth-protected-resource[/mcp]  (RFC 9728)
//   /.well-known/oauth-authorization-server      (RFC 8414)
//   /register (RFC 7591, stateless), /authorize (the sign-in page), /token,
// and, as the transport's AuthGate, opens the access tokens presented to /mcp. Codes, tokens and
// client ids are sealed with the KeyRing, so replicas sharing the secret file need no store.
// The public base URL is --public-url, else derived per request from Host (and TLS or
// X-Forwarded-Proto: https). The sign-in page is refused over plain http except on loopback.
// Thread-safe; never logs or puts in a URL or error a key, code, token, verifier or secret.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/keyring.hpp"
#include "common/status.hpp"
#include "credentials/verifier.hpp"
#include "http/abuse_limits.hpp"
#include "http/auth_gate.hpp"
#include "oauth/clients.hpp"
#include "oauth/tokens.hpp"

namespace httplib {
struct Response;
}

namespace fini::oauth {

// Checks a pasted key with Fini (one read call) and says what it opens.
using KeyChecker = std::function<Result<credentials::KeyCheck>(const std::string& key)>;

struct AuthServerOptions {
  std::string public_url;              // "https://mcp.example.com" (no path); empty: from each request
  bool tls = false;                    // the listener itself is HTTPS
  std::chrono::seconds page_ttl{600};  // from the sign-in page to the confirmation
  TokenOptions tokens;
  ClientOptions clients;
  std::string resource_name = "Fini";
  std::shared_ptr<http::AbuseLimits> limits;  // null: no per-client limits (tests)
};

class AuthServer final : public http::AuthGate {
 public:
  AuthServer(KeyRing ring, KeyChecker checker, AuthServerOptions options);

  void install(httplib::Server& server) override;
  std::optional<std::string> open_token(const httplib::Request& req, std::string_view token) override;
  std::string challenge(const httplib::Request& req, bool invalid_token) override;

  // "https://host[:port]": the issuer; the resource is issuer + "/mcp".
  std::string base_url(const httplib::Request& req) const;
  std::string render_metrics() const;  // client metadata cache, refresh token reuse

 private:
  void protected_resource(const httplib::Request& req, httplib::Response& res) const;
  void server_metadata(const httplib::Request& req, httplib::Response& res) const;
  void register_client(const httplib::Request& req, httplib::Response& res) const;
  void authorize_get(const httplib::Request& req, httplib::Response& res);
  void authorize_post(const httplib::Request& req, httplib::Response& res);
  void check_key_step(const httplib::Request& req, httplib::Response& res, const nlohmann::json& request);
  void confirm_step(const httplib::Request& req, httplib::Response& res, const nlohmann::json& pending);
  void token(const httplib::Request& req, httplib::Response& res);
  bool within_limit(const httplib::Request& req, http::Limit limit, httplib::Response& res, bool page) const;
  bool key_may_be_checked(const httplib::Request& req, httplib::Response& res, const std::string& key,
                          const nlohmann::json& request, const std::function<void(int, const std::string&)>& again);
  bool csrf_ok(const httplib::Request& req, const nlohmann::json& blob) const;
  std::string cookie_name(const httplib::Request& req) const;

  KeyRing ring_;
  KeyChecker checker_;
  AuthServerOptions options_;
  TokenService tokens_;
  ClientRegistry clients_;
  ReplayGuard used_signins_{100000};  // sign-in forms that got their code (until they expire)
};

}  // namespace fini::oauth
