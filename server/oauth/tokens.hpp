#pragma once
// TokenService: authorization codes, access tokens and refresh tokens as sealed values (KeyRing),
// each carrying the user's Fini key, so any replica with the same secret can redeem or open them
// and none stores anything. Codes live `code_ttl` (60 s), carry the PKCE challenge, redirect URI,
// client and resource they were issued for, and are redeemed once per replica (ReplayGuard);
// a code replayed on another replica inside its short life is the residual risk of having no
// shared store, bounded by PKCE (the thief also needs the verifier) and the binding above.
// Refresh tokens are rotated on every use; reusing one revokes its family (RefreshFamilies).
// Thread-safe; never throws; error descriptions never quote a key, code, token or verifier.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/keyring.hpp"
#include "oauth/errors.hpp"

namespace fini::oauth {

using WallClock = std::function<std::int64_t()>;  // milliseconds since the epoch
std::int64_t system_now_ms();

// Remembers sealed values already used (by a random id inside them) until they expire, and
// fails closed: when full of unexpired ids it refuses new ones (kFull) rather than forget one.
class ReplayGuard {
 public:
  enum class Use { kFirst, kReplay, kFull };
  explicit ReplayGuard(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  // kFirst the first time `id` is seen (recorded until `expires_ms`), kReplay after that.
  Use use(const std::string& id, std::int64_t expires_ms, std::int64_t now_ms);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::size_t capacity_;
  std::map<std::string, std::int64_t> seen_;            // id → expiry
  std::multimap<std::int64_t, std::string> by_expiry_;  // expiry → id
};

// Refresh token families (RFC 9700 §4.14.2): every sign-in starts a family; each refresh token
// carries its family and generation. Presenting a generation older than the newest one this
// replica issued is a reuse: the family is revoked, its newest refresh and access tokens with
// it. A family is remembered until its newest token expires; when the table is full of live
// families a new one is refused (kFull), never an old one forgotten. Per replica: a family
// whose tokens are used on several replicas is only guarded by each replica's own memory.
class RefreshFamilies {
 public:
  enum class Outcome { kCurrent, kReused, kRevoked, kFull };
  explicit RefreshFamilies(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  // Generation `gen` of `family` presented; on kCurrent the family's newest is gen + 1, alive
  // until `expires_ms`.
  Outcome rotate(const std::string& family, std::int64_t gen, std::int64_t expires_ms, std::int64_t now_ms);
  void revoke(const std::string& family, std::int64_t expires_ms, std::int64_t now_ms);
  bool revoked(const std::string& family) const;
  std::size_t size() const;
  std::uint64_t reuses() const;

 private:
  struct Family {
    std::int64_t newest = 0;
    std::int64_t expires = 0;
    bool revoked = false;
  };
  void forget_expired(std::int64_t now_ms);
  Family* find_or_add(const std::string& family, std::int64_t now_ms);
  void set_expiry(const std::string& id, Family& f, std::int64_t expires_ms);

  mutable std::mutex mutex_;
  std::size_t capacity_;
  std::map<std::string, Family> families_;
  std::multimap<std::int64_t, std::string> by_expiry_;
  std::uint64_t reuses_ = 0;
};

struct TokenOptions {
  std::chrono::seconds access_ttl{3600};
  std::chrono::seconds refresh_ttl{30 * 24 * 3600};
  std::chrono::seconds code_ttl{60};
  std::size_t replay_capacity = 100000;  // codes in their 60 s
  std::size_t family_capacity = 200000;  // signed-in clients per replica (each until its refresh expires)
  WallClock clock;                       // empty: system_now_ms
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
  enum class Refusal { kMalformed, kExpired, kAudience, kRevoked };
  // An access token presented to the resource `audience`.
  std::variant<Opened, Refusal> open_access(const std::string& token, const std::string& audience) const;

  std::int64_t now_ms() const;
  const TokenOptions& options() const { return options_; }
  // Refresh token reuses seen (each revoked its family), for /metrics.
  std::uint64_t refresh_reuses() const { return families_.reuses(); }

 private:
  struct Grant {
    std::string key, client, audience, scope, family;
    std::int64_t generation = 0;
  };
  OAuthResult<nlohmann::json> token_response(const Grant& grant);

  const KeyRing& ring_;
  TokenOptions options_;
  ReplayGuard used_codes_;
  RefreshFamilies families_;
};

// A short digest of a client id, bound into tokens (client ids can be long).
std::string client_digest(const std::string& client_id);

}  // namespace fini::oauth
