#include "oauth/tokens.hpp"

#include "oauth/codec.hpp"

namespace fini::oauth {

using Json = nlohmann::json;

namespace {

constexpr const char* kCode = "code";
constexpr const char* kAccess = "access";
constexpr const char* kRefresh = "refresh";

std::string str(const Json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t num(const Json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::string fresh_id() {
  auto bytes = random_bytes(16);
  return bytes ? base64url_encode(*bytes) : std::string();
}

std::int64_t ms(std::chrono::seconds s) { return static_cast<std::int64_t>(s.count()) * 1000; }

}  // namespace

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string client_digest(const std::string& client_id) { return base64url_encode(sha256(client_id)).substr(0, 22); }

bool ReplayGuard::first_use(const std::string& id, std::int64_t expires_ms, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now_ms) {  // forget what expired anyway
    seen_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
  if (seen_.count(id) > 0) return false;
  while (seen_.size() >= capacity_) {
    seen_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
  seen_[id] = expires_ms;
  by_expiry_.emplace(expires_ms, id);
  return true;
}

std::size_t ReplayGuard::size() const {
  std::lock_guard lock(mutex_);
  return seen_.size();
}

TokenService::TokenService(const KeyRing& ring, TokenOptions options)
    : ring_(ring),
      options_(std::move(options)),
      used_codes_(options_.replay_capacity),
      used_refresh_(options_.replay_capacity) {}

std::int64_t TokenService::now_ms() const { return options_.clock ? options_.clock() : system_now_ms(); }

std::optional<std::string> TokenService::issue_code(const CodeGrant& g) {
  const std::string id = fresh_id();
  if (id.empty()) return std::nullopt;
  return ring_.seal(kCode, Json{{"j", id},
                                {"k", g.key},
                                {"c", client_digest(g.client_id)},
                                {"r", g.redirect_uri},
                                {"p", g.code_challenge},
                                {"a", g.resource},
                                {"s", g.scope},
                                {"e", now_ms() + ms(options_.code_ttl)}});
}

OAuthResult<Json> TokenService::token_response(const std::string& key, const std::string& client,
                                               const std::string& audience, const std::string& scope) {
  const std::int64_t now = now_ms();
  const std::string rid = fresh_id();
  auto access = ring_.seal(kAccess, Json{{"k", key}, {"c", client}, {"a", audience}, {"s", scope},
                                         {"e", now + ms(options_.access_ttl)}});
  auto refresh = ring_.seal(kRefresh, Json{{"j", rid}, {"k", key}, {"c", client}, {"a", audience}, {"s", scope},
                                           {"e", now + ms(options_.refresh_ttl)}});
  if (!access || !refresh || rid.empty()) return OAuthError{"server_error", "could not issue a token", 500};
  return Json{{"access_token", *access},
              {"token_type", "Bearer"},
              {"expires_in", options_.access_ttl.count()},
              {"refresh_token", *refresh},
              {"scope", scope}};
}

OAuthResult<Json> TokenService::redeem_code(const std::string& code, const std::string& client_id,
                                            const std::string& redirect_uri, const std::string& verifier,
                                            const std::string& resource) {
  auto payload = ring_.open(kCode, code);
  if (!payload) return invalid_grant("the authorization code is not valid (unknown, altered, or from another server)");
  const std::int64_t now = now_ms();
  const std::int64_t expires = num(*payload, "e");
  if (now >= expires) return invalid_grant("the authorization code has expired; sign in again");
  if (!equal_constant_time(str(*payload, "c"), client_digest(client_id))) {
    return invalid_grant("the authorization code was issued to another client");
  }
  if (redirect_uri != str(*payload, "r")) return invalid_grant("redirect_uri does not match the authorization request");
  if (!resource.empty() && resource != str(*payload, "a")) {
    return invalid_target("the resource does not match the authorization request");
  }
  if (!pkce_s256_matches(verifier, str(*payload, "p"))) return invalid_grant("the PKCE code_verifier does not match");
  if (!used_codes_.first_use(str(*payload, "j"), expires, now)) {
    return invalid_grant("the authorization code was already used");
  }
  return token_response(str(*payload, "k"), str(*payload, "c"), str(*payload, "a"), str(*payload, "s"));
}

OAuthResult<Json> TokenService::refresh(const std::string& refresh_token, const std::string& client_id,
                                        const std::string& resource) {
  auto payload = ring_.open(kRefresh, refresh_token);
  if (!payload) return invalid_grant("the refresh token is not valid (unknown, altered, or from another server)");
  const std::int64_t now = now_ms();
  const std::int64_t expires = num(*payload, "e");
  if (now >= expires) return invalid_grant("the refresh token has expired; sign in again");
  if (!equal_constant_time(str(*payload, "c"), client_digest(client_id))) {
    return invalid_grant("the refresh token was issued to another client");
  }
  if (!resource.empty() && resource != str(*payload, "a")) return invalid_target("the resource does not match the token");
  if (!used_refresh_.first_use(str(*payload, "j"), expires, now)) {
    return invalid_grant("the refresh token was already used (they rotate on every use)");
  }
  return token_response(str(*payload, "k"), str(*payload, "c"), str(*payload, "a"), str(*payload, "s"));
}

std::variant<TokenService::Opened, TokenService::Refusal> TokenService::open_access(const std::string& token,
                                                                                    const std::string& audience) const {
  auto payload = ring_.open(kAccess, token);
  if (!payload) return Refusal::kMalformed;
  if (now_ms() >= num(*payload, "e")) return Refusal::kExpired;
  if (str(*payload, "a") != audience) return Refusal::kAudience;
  const std::string key = str(*payload, "k");
  if (key.empty()) return Refusal::kMalformed;
  return Opened{key, str(*payload, "c")};
}

}  // namespace fini::oauth
