#pragma once
// BearerCredentials: the key source of the HTTP transport. Each request carries its caller's
// Fini key (Authorization: Bearer), reaching credentials as the call's CallKey; this class
// hands that key to the tool pipeline for that call only and never keeps it. What Fini showed
// about a key's scopes is remembered per key in a bounded LRU map keyed by a SHA-256 digest of
// the key (never the key), so two users on one replica never see each other's tool surface and
// memory stays bounded whatever the number of callers. Thread-safe; never throws.

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "credentials/credentials.hpp"

namespace fini::credentials {

class BearerCredentials final : public Credentials {
 public:
  explicit BearerCredentials(std::size_t capacity = 1000) : capacity_(capacity == 0 ? 1 : capacity) {}

  Result<std::string> key(KeyAsker& asker) override;
  void observe(const std::string& key, int http_status, const std::string& scope, bool scope_denied) override;
  std::optional<bool> may_for(const CallKey& call_key, const std::string& scope) const override;
  std::string rejection_note() const override;

  std::size_t remembered() const;  // keys with learned scopes (tests)

 private:
  struct Scopes {
    std::string digest;
    std::set<std::string> granted, denied;
  };
  using Lru = std::list<Scopes>;

  mutable std::mutex mutex_;
  std::size_t capacity_;
  mutable Lru lru_;  // most recently used first
  mutable std::unordered_map<std::string, Lru::iterator> by_digest_;
};

// Hex SHA-256 of a key: the only form in which a bearer key may be kept beyond its request
// (equal to CallKey::identity() of the same key).
std::string key_digest(const std::string& key);

}  // namespace fini::credentials
