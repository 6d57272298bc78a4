#pragma once
// Credentials: the one component that knows the Fini API key. Tool handlers ask it for the key
// of the current call and report what the API said about it (401/403), so it can forget a
// revoked key or re-learn scopes. Thread-safe. Never throws; the key never appears in any
// Status message it returns.

#include <optional>
#include <set>
#include <string>

#include "common/call_key.hpp"
#include "common/status.hpp"
#include "credentials/key_asker.hpp"
#include "credentials/key_format.hpp"

namespace fini::credentials {

class Credentials {
 public:
  virtual ~Credentials() = default;
  // The key to send for this call: the caller's own (asker.call_key()) or the process's. May
  // ask the person (through `asker`) when none is known yet. Errors carry a message for the
  // user saying how to provide a key.
  virtual Result<std::string> key(KeyAsker& asker) = 0;
  // What the API answered to a request made with `key` for a tool needing `scope`
  // (401 → the key is invalid; 2xx → the key has `scope`; 403 naming the scope, i.e.
  // `scope_denied` → it has not). Scopes are learned only from calls the user made: nothing
  // is ever sent just to find out (a probe could change data).
  virtual void observe(const std::string& key, int http_status, const std::string& scope, bool scope_denied) = 0;
  // Whether the active key has `scope`: true/false once Fini has shown it, nullopt before.
  virtual std::optional<bool> may(const std::string& /*scope*/) const { return std::nullopt; }
  // The same for the key of one call (per-request keys on HTTP); default: the active key's.
  virtual std::optional<bool> may_for(const CallKey& /*call_key*/, const std::string& scope) const {
    return may(scope);
  }
  // Appended to a 401 result: what became of the key and what the next call will do.
  virtual std::string rejection_note() const { return {}; }
};

}  // namespace fini::credentials
