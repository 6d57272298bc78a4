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

ReplayGuard::Use ReplayGuard::use(const std::string& id, std::int64_t expires_ms, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now_ms) {  // forget what expired anyway
    seen_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
  if (seen_.count(id) > 0) return Use::kReplay;
  if (seen_.size() >= capacity_) return Use::kFull;  // fail closed: never forget a live one
  seen_[id] = expires_ms;
  by_expiry_.emplace(expires_ms, id);
  return Use::kFirst;
}

std::size_t ReplayGuard::size() const {
  std::lock_guard lock(mutex_);
  return seen_.size();
}

void RefreshFamilies::forget_expired(std::int64_t now_ms) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now_ms) {
    families_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
}

RefreshFamilies::Family* RefreshFamilies::find_or_add(const std::string& family, std::int64_t now_ms) {
  forget_expired(now_ms);
  if (auto it = families_.find(family); it != families_.end()) return &it->second;
  if (families_.size() >= capacity_) return nullptr;
  return &families_[family];
}

void RefreshFamilies::set_expiry(const std::string& id, Family& f, std::int64_t expires_ms) {
  if (expires_ms <= f.expires) return;
  if (f.expires != 0) {
    auto range = by_expiry_.equal_range(f.expires);
    for (auto it = range.first; it != range.second; ++it) {
      if (it->second == id) {
        by_expiry_.erase(it);
        break;
      }
    }
  }
  f.expires = expires_ms;
  by_expiry_.emplace(expires_ms, id);
}

RefreshFamilies::Outcome RefreshFamilies::rotate(const std::string& family, std::int64_t gen, std::int64_t expires_ms,
                                                 std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Family* f = find_or_add(family, now_ms);
  if (f == nullptr) return Outcome::kFull;
  if (f->revoked) return Outcome::kRevoked;
  if (gen < f->newest) {  // this generation was already rotated: a stolen or replayed token
    f->revoked = true;
    ++reuses_;
    return Outcome::kReused;
  }
  f->newest = gen + 1;
  set_expiry(family, *f, expires_ms);
  return Outcome::kCurrent;
}

void RefreshFamilies::revoke(const std::string& family, std::int64_t expires_ms, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Family* f = find_or_add(family, now_ms);
  if (f == nullptr) return;  // full of live families: this one never got a refresh here either
  f->revoked = true;
  ++reuses_;
  set_expiry(family, *f, expires_ms);
}

bool RefreshFamilies::revoked(const std::string& family) const {
  std::lock_guard lock(mutex_);
  auto it = families_.find(family);
  return it != families_.end() && it->second.revoked;
}

std::size_t RefreshFamilies::size() const {
  std::lock_guard lock(mutex_);
  return families_.size();
}

std::uint64_t RefreshFamilies::reuses() const {
  std::lock_guard lock(mutex_);
  return reuses_;
}

TokenService::TokenService(const KeyRing& ring, TokenOptions options)
    : ring_(ring),
      options_(std::move(options)),
      used_codes_(options_.replay_capacity),
      families_(options_.family_capacity) {}

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

OAuthResult<Json> TokenService::token_response(const Grant& g) {
  const std::int64_t now = now_ms();
  const std::string rid = fresh_id();
  auto access = ring_.seal(kAccess, Json{{"k", g.key},
                                         {"c", g.client},
                                         {"a", g.audience},
                                         {"s", g.scope},
                                         {"f", g.family},
                                         {"e", now + ms(options_.access_ttl)}});
  auto refresh = ring_.seal(kRefresh, Json{{"j", rid},
                                           {"k", g.key},
                                           {"c", g.client},
                                           {"a", g.audience},
                                           {"s", g.scope},
                                           {"f", g.family},
                                           {"g", g.generation},
                                           {"e", now + ms(options_.refresh_ttl)}});
  if (!access || !refresh || rid.empty()) return OAuthError{"server_error", "could not issue a token", 500};
  return Json{{"access_token", *access},
              {"token_type", "Bearer"},
              {"expires_in", options_.access_ttl.count()},
              {"refresh_token", *refresh},
              {"scope", g.scope}};
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
  // The code's id names the token family it starts; a replayed code revokes that family
  // (RFC 6749 §4.1.2: tokens issued from a code used twice should be revoked).
  const std::string family = str(*payload, "j");
  switch (used_codes_.use(family, expires, now)) {
    case ReplayGuard::Use::kFirst: break;
    case ReplayGuard::Use::kReplay:
      families_.revoke(family, now + ms(options_.refresh_ttl), now);
      return invalid_grant("the authorization code was already used; the tokens issued for it are revoked");
    case ReplayGuard::Use::kFull:
      return OAuthError{"temporarily_unavailable", "too many sign-ins at once; try again in a minute", 503};
  }
  return token_response(
      Grant{str(*payload, "k"), str(*payload, "c"), str(*payload, "a"), str(*payload, "s"), family, 0});
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
  if (!resource.empty() && resource != str(*payload, "a"))
    return invalid_target("the resource does not match the token");
  std::string family = str(*payload, "f");
  if (family.empty()) family = str(*payload, "j");  // a token from before families: its own
  const std::int64_t gen = num(*payload, "g");
  const std::int64_t next_expiry = now + ms(options_.refresh_ttl);
  switch (families_.rotate(family, gen, next_expiry, now)) {
    case RefreshFamilies::Outcome::kCurrent: break;
    case RefreshFamilies::Outcome::kReused:
      return invalid_grant(
          "the refresh token was already used (they rotate on every use); this sign-in is revoked: "
          "sign in again");
    case RefreshFamilies::Outcome::kRevoked:
      return invalid_grant("this sign-in was revoked after a refresh token was reused; sign in again");
    case RefreshFamilies::Outcome::kFull:
      return OAuthError{"temporarily_unavailable", "the server cannot track more sign-ins right now; try again later",
                        503};
  }
  return token_response(
      Grant{str(*payload, "k"), str(*payload, "c"), str(*payload, "a"), str(*payload, "s"), family, gen + 1});
}

std::variant<TokenService::Opened, TokenService::Refusal> TokenService::open_access(const std::string& token,
                                                                                    const std::string& audience) const {
  auto payload = ring_.open(kAccess, token);
  if (!payload) return Refusal::kMalformed;
  if (now_ms() >= num(*payload, "e")) return Refusal::kExpired;
  if (str(*payload, "a") != audience) return Refusal::kAudience;
  const std::string key = str(*payload, "k");
  if (key.empty()) return Refusal::kMalformed;
  if (const std::string family = str(*payload, "f"); !family.empty() && families_.revoked(family))
    return Refusal::kRevoked;
  return Opened{key, str(*payload, "c")};
}

}  // namespace fini::oauth
