#include "credentials/key_state.hpp"

#include <spdlog/spdlog.h>

namespace fini::credentials {

namespace {

bool is_scope(const std::string& s) { return s == "read" || s == "write"; }

}  // namespace

KeyState::KeyState(std::string profile, std::string base_url)
    : profile_(std::move(profile)), base_url_(std::move(base_url)) {}

void KeyState::load_fixed(std::string key, std::string source) {
  std::lock_guard lock(mutex_);
  key_ = std::move(key);
  fixed_ = true;
  source_ = std::move(source);
}

bool KeyState::load_profile(const Profile& p) {
  if (p.invalid) {
    spdlog::info("the stored key of profile '{}' was rejected earlier; a new one will be asked for", p.name);
    return false;
  }
  if (!p.base_url.empty() && !base_url_.empty() && p.base_url != base_url_) {
    // A key is bound to the API it was checked against; do not hand it to another host.
    spdlog::warn("profile '{}' holds a key for {}, not {}; a key for this API will be asked for", p.name, p.base_url,
                 base_url_);
    return false;
  }
  std::lock_guard lock(mutex_);
  key_ = p.key;
  scopes_ = p.scopes;
  denied_ = p.denied;
  checked_at_ = p.checked_at;
  source_ = "profile '" + p.name + "'";
  return true;
}

void KeyState::load_failed(Status error) {
  spdlog::warn("{}", error.message());
  std::lock_guard lock(mutex_);
  load_error_ = std::move(error);
}

void KeyState::accept(const std::string& key, std::set<std::string> scopes, std::string checked_at) {
  std::lock_guard lock(mutex_);
  key_ = key;
  invalid_ = false;
  fixed_ = false;
  load_error_ = Status();
  scopes_ = std::move(scopes);
  denied_.clear();
  checked_at_ = std::move(checked_at);
  source_ = "key page";
  ++generation_;
}

std::optional<Profile> KeyState::observe(const std::string& key, int http_status, const std::string& scope,
                                         bool scope_denied) {
  if (http_status == 401) {
    std::lock_guard lock(mutex_);
    if (key_ != key || invalid_) return std::nullopt;  // stale, or already known
    invalid_ = true;
    if (fixed_) {
      spdlog::warn("Fini rejected the key from {} (HTTP 401)", source_);
      return std::nullopt;  // a fixed key is never stored, so there is nothing to mark
    }
    spdlog::warn("Fini rejected the stored key of profile '{}' (HTTP 401); it is marked invalid", profile_);
    return snapshot_locked();
  }
  if (!is_scope(scope)) return std::nullopt;
  const bool granted = http_status >= 200 && http_status < 300;
  if (!granted && !scope_denied) return std::nullopt;  // other failures say nothing about scopes
  std::lock_guard lock(mutex_);
  if (key_ != key) return std::nullopt;
  if (granted) {
    if (denied_.erase(scope) == 0 && scopes_ && scopes_->count(scope) > 0) return std::nullopt;  // nothing new
    if (!scopes_) scopes_.emplace();
    scopes_->insert(scope);  // the API just proved it
  } else {
    if (!denied_.insert(scope).second) return std::nullopt;
    if (scopes_) scopes_->erase(scope);
    spdlog::info("Fini refused the key the '{}' scope; hiding the tools that need it", scope);
  }
  checked_at_ = now_iso8601();
  if (fixed_) return std::nullopt;  // learned for this session; a fixed key is never stored
  return snapshot_locked();
}

KeyState::Active KeyState::active() const {
  std::lock_guard lock(mutex_);
  Active a;
  if (fixed_ || usable_locked()) a.key = key_;
  a.fixed = fixed_;
  a.rejected = invalid_;
  a.load_error = load_error_;
  a.generation = generation_;
  return a;
}

std::optional<std::string> KeyState::arrived_since(std::uint64_t generation) const {
  std::lock_guard lock(mutex_);
  if (generation_ == generation || !usable_locked()) return std::nullopt;
  return key_;
}

std::optional<bool> KeyState::may(const std::string& scope) const {
  std::lock_guard lock(mutex_);
  if (denied_.count(scope) > 0) return false;
  if (scopes_ && scopes_->count(scope) > 0) return true;
  return std::nullopt;
}

std::optional<std::set<std::string>> KeyState::scopes() const {
  std::lock_guard lock(mutex_);
  return scopes_;
}

std::string KeyState::source() const {
  std::lock_guard lock(mutex_);
  return usable_locked() ? source_ : std::string();
}

KeyState::Origin KeyState::origin() const {
  std::lock_guard lock(mutex_);
  return Origin{fixed_, source_};
}

Profile KeyState::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_locked();
}

Profile KeyState::snapshot_locked() const {
  Profile p;
  p.name = profile_;
  p.key = key_.value_or("");
  p.base_url = base_url_;
  p.scopes = scopes_;
  p.denied = denied_;
  p.checked_at = checked_at_;
  p.invalid = invalid_;
  return p;
}

}  // namespace fini::credentials
