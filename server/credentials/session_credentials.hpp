#pragma once
// SessionCredentials: the key of one `fini-mcp serve` process, resolved in this order:
//   --api-key-file → FINI_API_KEY (a "fixed" key: used as given, never asked for or stored)
//   → the stored profile (--profile / FINI_PROFILE, default "default") → ask.
// Asking is the first tool call's job: URL elicitation to the one-time KeyPage on 127.0.0.1
// (PROTOCOL.md §5: an API key must never travel through form elicitation). Concurrent first
// calls share one prompt; a key pasted on the page is checked with Fini, stored in the
// profile, and completes every waiting call. A client without URL elicitation gets the page
// URL and the other two ways in an error result; the page stays up, so the next call after
// the user pasted the key just works. 401 marks the stored key invalid (the next call asks
// again); 403 re-learns scopes; scopes are remembered in the profile.
// Thread-safety: every method may be called from any thread. Never throws; no message, log
// line or page contains the key.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "credentials/credentials.hpp"
#include "credentials/key_page.hpp"
#include "credentials/store.hpp"
#include "credentials/verifier.hpp"
#include "rest/http_client.hpp"

namespace fini::credentials {

struct SessionCredentialsOptions {
  std::string profile = "default";
  std::optional<std::string> fixed_key;  // from --api-key-file or FINI_API_KEY
  std::string fixed_source;              // "FINI_API_KEY" or "--api-key-file PATH", for messages
  std::string base_url;                  // the session's API (normalized); stored with new keys
  std::optional<ProfileStore> store;     // nullopt: keys from the page live for this session only
  KeyPageOptions page;
  std::chrono::milliseconds elicitation_timeout{std::chrono::minutes(10)};
};

class SessionCredentials final : public Credentials {
 public:
  // Loads the profile (unless a fixed key is given). `http` must target options.base_url and
  // outlive this object.
  SessionCredentials(SessionCredentialsOptions options, rest::HttpClient& http);
  ~SessionCredentials() override;

  Result<std::string> key(mcp::CallContext& ctx) override;
  void observe(const std::string& key, int http_status, const std::string& scope, bool scope_denied) override;
  std::optional<bool> may(const std::string& scope) const override;
  // Scopes Fini has shown the active key to have (stored with the profile); nullopt: none yet.
  std::optional<std::set<std::string>> scopes() const;
  std::string rejection_note() const override;

  // The open one-time link, if any (tests and logs).
  std::optional<std::string> page_url() const;
  // Where the active key came from: "FINI_API_KEY", "profile 'x'", "key page", or "" (none).
  std::string source() const;

 private:
  struct Prompt {
    KeyPage::Link link;
    bool asking = false;          // an elicitation/create is in flight for this link
    std::uint64_t refusals = 0;   // bumps on decline/cancel/failure of that elicitation
    std::string refusal_text;
  };

  Result<std::string> ask(mcp::CallContext& ctx, std::unique_lock<std::mutex>& lock);
  Status ensure_prompt_locked();
  Result<std::string> accept_from_page(const std::string& key);
  void save_profile(const Profile& profile);
  Profile snapshot_locked() const;
  std::string how_to(const std::string& url) const;
  std::string login_command() const;

  SessionCredentialsOptions options_;
  rest::HttpClient& http_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<std::string> key_;  // the active key
  bool fixed_ = false;
  bool invalid_ = false;            // 401 seen for key_
  std::string source_;
  std::optional<std::set<std::string>> scopes_;  // shown to be granted
  std::set<std::string> denied_;                  // shown to be missing (403 naming the scope)
  std::string checked_at_;
  Status load_error_;               // the stored profile could not be read
  std::uint64_t generation_ = 0;    // bumps when a key arrives through the page
  std::optional<Prompt> prompt_;
  std::mutex save_mutex_;
  std::unique_ptr<KeyPage> page_;   // last member: its server thread calls back into us
};

}  // namespace fini::credentials
