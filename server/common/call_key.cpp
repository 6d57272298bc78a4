#include "common/call_key.hpp"

#include <mutex>

#include <openssl/crypto.h>

#include "common/hex.hpp"

namespace fini {

// The key, and its identity hashed on first use: calls that never ask pay nothing, and every
// later lookup of the same call (scopes, limits, sealed states) reuses the one digest.
struct CallKey::Held {
  explicit Held(std::string k) : key(std::move(k)) {}
  const std::string key;
  mutable std::once_flag hashed;
  mutable std::string identity;
};

CallKey::CallKey(std::string key) {
  if (!key.empty()) held_ = std::make_shared<const Held>(std::move(key));
}

namespace {
const std::string kNone;
}  // namespace

const std::string& CallKey::reveal() const { return held_ ? held_->key : kNone; }

const std::string& CallKey::identity() const {
  if (!held_) return kNone;
  std::call_once(held_->hashed, [this] { held_->identity = sha256_hex(held_->key); });
  return held_->identity;
}

bool operator==(const CallKey& a, const CallKey& b) {
  if (a.held_ == b.held_) return true;
  if (!a.held_ || !b.held_) return false;
  const std::string& x = a.held_->key;
  const std::string& y = b.held_->key;
  return x.size() == y.size() && CRYPTO_memcmp(x.data(), y.data(), x.size()) == 0;
}

}  // namespace fini
