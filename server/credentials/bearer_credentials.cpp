#include "credentials/bearer_credentials.hpp"

#include "common/hex.hpp"

namespace fini::credentials {

std::string key_digest(const std::string& key) { return sha256_hex(key); }

Result<std::string> BearerCredentials::key(KeyAsker& asker) {
  // The transport refuses requests without a well-formed bearer (401) before any tool runs;
  // this is the backstop for a context that carries none.
  const CallKey& key = asker.call_key();
  if (!key) {
    return Status(Code::kUnauthenticated,
                  "No Fini API key came with this request: send it as `Authorization: Bearer fini_…`.");
  }
  return key.reveal();  // to be sent: the tool pipeline puts it in the Authorization header
}

void BearerCredentials::observe(const std::string& key, int http_status, const std::string& scope, bool scope_denied) {
  const bool granted = http_status >= 200 && http_status < 300;
  const bool denied = http_status == 403 && scope_denied;
  if (!granted && !denied) return;  // a 401 says nothing about scopes, and nothing is kept for it
  const std::string digest = key_digest(key);
  std::lock_guard lock(mutex_);
  auto it = by_digest_.find(digest);
  if (it == by_digest_.end()) {
    lru_.push_front(Scopes{digest, {}, {}});
    by_digest_[digest] = lru_.begin();
    if (lru_.size() > capacity_) {
      by_digest_.erase(lru_.back().digest);
      lru_.pop_back();
    }
  } else {
    lru_.splice(lru_.begin(), lru_, it->second);
  }
  Scopes& s = lru_.front();
  if (granted) {
    s.granted.insert(scope);
    s.denied.erase(scope);
  } else {
    s.denied.insert(scope);
    s.granted.erase(scope);
  }
}

std::optional<bool> BearerCredentials::may_for(const CallKey& call_key, const std::string& scope) const {
  if (!call_key) return std::nullopt;
  const std::string& digest = call_key.identity();
  std::lock_guard lock(mutex_);
  auto it = by_digest_.find(digest);
  if (it == by_digest_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  if (it->second->denied.count(scope) > 0) return false;
  if (it->second->granted.count(scope) > 0) return true;
  return std::nullopt;
}

std::string BearerCredentials::rejection_note() const {
  return "The key comes from the Authorization header your MCP client sends to this server: replace it there with "
         "a valid key (Fini → Deploy → API Keys) and reconnect.";
}

std::size_t BearerCredentials::remembered() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

}  // namespace fini::credentials
