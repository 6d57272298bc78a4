#pragma once
// CallKey: the caller's own Fini key for one call, when the transport carries one (an HTTP
// bearer); empty when the process's credentials decide (stdio). A value type that cannot be
// printed by accident: no conversion to a string, no stream or fmt operator, and it holds the
// key behind a pointer, so even a raw-byte dump of the object (gtest's fallback printer, a
// debugger) shows no key. The key itself comes out only through reveal(), which is meant for
// the one place it is sent (the Authorization header) and the redaction that must know it.
// Copies share one immutable string. Thread-safe (const after construction); never throws
// beyond std::bad_alloc.

#include <memory>
#include <string>

namespace fini {

class CallKey {
 public:
  CallKey() = default;  // none: the process's credentials decide
  explicit CallKey(std::string key);

  // A key came with the call (an empty string counts as none).
  bool present() const { return held_ != nullptr; }
  explicit operator bool() const { return present(); }

  // The key itself. Call it only where the key is sent or redacted; "" when none.
  const std::string& reveal() const;

  // Who the caller is, without the key: hex SHA-256 of it (the same as credentials::key_digest),
  // computed once per key (on first use). The form in which a key may be kept beyond its call, e.g. as the
  // index of per-caller tables. "" when none.
  const std::string& identity() const;

  // Same caller (same key, or both none); compares in constant time.
  friend bool operator==(const CallKey& a, const CallKey& b);
  friend bool operator!=(const CallKey& a, const CallKey& b) { return !(a == b); }

 private:
  struct Held;
  std::shared_ptr<const Held> held_;
};

}  // namespace fini
