#pragma once
// KeyState: what this process knows about its one active Fini API key. It starts from a fixed
// key (FINI_API_KEY / --api-key-file: used as given, never replaced or stored), from a stored
// profile, or from nothing; it takes a key a person pasted on the key page (bumping the
// generation, so waiting calls can tell a new key from the one they saw); and it learns from
// what Fini answers: 401 marks the key invalid, 2xx / a 403 naming the scope teach its scopes.
// It never talks to Fini, the store or the user: observe() returns the profile to save and the
// owner saves it, so no file I/O ever happens under this lock.
// Thread-safety: every method may be called from any thread; one mutex, never held while
// calling out. Lock order (see KeyPrompt): a prompt's lock may be held while calling in here,
// never the reverse. Never throws; no log line contains the key.

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "common/status.hpp"
#include "credentials/store.hpp"

namespace fini::credentials {

class KeyState {
 public:
  // The active key as a call sees it at one moment.
  struct Active {
    std::optional<std::string> key;  // usable now: a fixed key (even after 401), or one not rejected
    bool fixed = false;
    bool rejected = false;         // Fini answered 401 to the (non-fixed) key; a new one is needed
    Status load_error;             // the stored profile could not be read
    std::uint64_t generation = 0;  // bumps each time a key arrives through the page
  };
  // What a 401 note needs: a fixed key can only be replaced where it was configured.
  struct Origin {
    bool fixed = false;
    std::string source;
  };

  // `profile` and `base_url` are stamped on every snapshot (the profile it is saved as, and
  // the API the key belongs to).
  KeyState(std::string profile, std::string base_url);
  KeyState(const KeyState&) = delete;
  KeyState& operator=(const KeyState&) = delete;

  // Start from a fixed key; `source` names where it came from ("FINI_API_KEY", "--api-key-file P").
  void load_fixed(std::string key, std::string source);
  // Start from a stored profile, unless Fini rejected it earlier or it holds a key for another
  // API (both logged); returns whether the profile's key is now the active one.
  bool load_profile(const Profile& profile);
  // The profile could not be read: calls report `error` until a key arrives through the page.
  void load_failed(Status error);

  // A key Fini just accepted on the key page, with the scopes that check showed.
  void accept(const std::string& key, std::set<std::string> scopes, std::string checked_at);
  // What Fini answered to a request made with `key` for a tool needing `scope` (see
  // Credentials::observe). Returns the profile to save when something worth remembering
  // changed for a stored key; nullopt for fixed keys, stale keys and nothing new.
  std::optional<Profile> observe(const std::string& key, int http_status, const std::string& scope, bool scope_denied);

  Active active() const;
  // The key, when one arrived through the page after `generation` and is still usable.
  std::optional<std::string> arrived_since(std::uint64_t generation) const;
  std::optional<bool> may(const std::string& scope) const;
  std::optional<std::set<std::string>> scopes() const;
  // "FINI_API_KEY", "profile 'x'", "key page", or "" when there is no usable key.
  std::string source() const;
  Origin origin() const;
  // The state as the profile it would be stored as.
  Profile snapshot() const;

 private:
  Profile snapshot_locked() const;
  bool usable_locked() const { return key_.has_value() && !invalid_; }

  const std::string profile_;
  const std::string base_url_;

  mutable std::mutex mutex_;
  std::optional<std::string> key_;
  bool fixed_ = false;
  bool invalid_ = false;  // 401 seen for key_
  std::string source_;
  std::optional<std::set<std::string>> scopes_;  // shown to be granted
  std::set<std::string> denied_;                 // shown to be missing (403 naming the scope)
  std::string checked_at_;
  Status load_error_;
  std::uint64_t generation_ = 0;
};

}  // namespace fini::credentials
