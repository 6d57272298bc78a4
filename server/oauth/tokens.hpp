#pragma once
// TokenService: authorization codes, access tokens and refresh tokens as sealed values (KeyRing),
// each carrying the user's Fini key, so any replica with the same secret can redeem or open them
// and none stores anything. Codes live `code_ttl` (60 s), carry the PKCE challenge, redirect URI,
// client and resource they were issued for, and are redeemed once per replica (ReplayGuard);
// a code replayed on another replica inside its short life is the residual risk of having no
// shared store, bounded by PKCE (the thief also needs the verifier) and the binding above.
// Refresh tokens are rotated on every use; a used one is refused by the replica that saw it.
// Thread-safe; never throws; error descriptions never quote a key, code, token or verifier.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "oauth/errors.hpp"
#include "common/keyring.hpp"

namespace fini::oauth {

using WallClock = std::function<std::int64_t()>;  // milliseconds since the epoch
std::int64_t system_now_ms();

// Remembers sealed values already used (by a random id inside them) until they expire; bounded:
// when full, the entries closest to expiry are dropped first.
class ReplayGuard {
 public:
  explicit ReplayGuard(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  // true the first time `id` is seen (and records it until `expires_ms`), false on a replay.
  bool first_use(const std::string& id, std::int64_t expires_ms, std::int64_t now_ms);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::size_t capacity_;
  std::map<std::string, std::int64_t> seen_;            // id → expiry
  std::multimap<std::int64_t, std::string> by_expiry_;  // expiry → id
};

struct TokenOptions {
  std::chrono::seconds access_ttl{3600};
  std::chrono::seconds refresh_ttl{30 * 24 * 3600};
  std::chrono::seconds code_ttl{60};
  std::size_t replay_capacity = 100000;
  WallClock clock;  // empty: system_now_ms
};

struct CodeGrant {
  std::string key;  // the user's Fini key
  std::string client_id;
  std::string redirect_uri;
  std::string code_challenge;  // S256
  std::string resource;        // the audience of the tokens it redeems for
  std::string scope;
};

class TokenService {
 public:
  TokenService(const KeyRing& ring, TokenOptions options);

  std::optional<std::string> issue_code(const CodeGrant& grant);
  // The token response (RFC 6749 §5.1) for a code: invalid_grant for an unknown, expired,
  // used, or mismatched code or a wrong verifier; invalid_target for another resource.
  OAuthResult<nlohmann::json> redeem_code(const std::string& code, const std::string& client_id,
                                          const std::string& redirect_uri, const std::string& verifier,
                                          const std::string& resource);
  OAuthResult<nlohmann::json> refresh(const std::string& refresh_token, const std::string& client_id,
                                      const std::string& resource);

  struct Opened {
    std::string key;
    std::string client_id_digest;
  };
  enum class Refusal { kMalformed, kExpired, kAudience };
  // An access token presented to the resource `audience`.
  std::variant<Opened, Refusal> open_access(const std::string& token, const std::string& audience) const;

  std::int64_t now_ms() const;
  const TokenOptions& options() const { return options_; }

 private:
  OAuthResult<nlohmann::json> token_response(const std::string& key, const std::string& client_digest,
                                             const std::string& audience, const std::string& scope);

  const KeyRing& ring_;
  TokenOptions options_;
  ReplayGuard used_codes_;
  ReplayGuard used_refresh_;
};

// A short digest of a client id, bound into tokens (client ids can be long).
std::string client_digest(const std::string& client_id);

}  // namespace fini::oauth
