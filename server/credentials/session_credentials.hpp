#pragma once
// SessionCredentials: the key of one `fini-mcp serve` process, resolved in this order:
//   --api-key-file → FINI_API_KEY (a "fixed" key: used as given, never asked for or stored)
//   → the stored profile (--profile / FINI_PROFILE, default "default") → ask.
// Asking is the first tool call's job: URL elicitation to the one-time KeyPage on 127.0.0.1
// (MCP elicitation: an API key must never travel through form mode). Concurrent first
// calls share one prompt; a key pasted on the page is checked with Fini, stored in the
// profile, and completes every waiting call. A client without URL elicitation gets the page
// URL and the other two ways in an error result; the page stays up, so the next call after
// the user pasted the key just works. 401 marks the stored key invalid (the next call asks
// again); 403 re-learns scopes; scopes are remembered in the profile.
// Wiring only: the key's state lives in a KeyState, the asking and the page in a KeyPrompt, and
// this class connects them to the ProfileStore and to Fini (checking a pasted key). Locks are
// taken prompt → state, and no lock of either is held while saving or talking to Fini.
// Thread-safety: every method may be called from any thread. Never throws; no message, log
// line or page contains the key.

#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "credentials/credentials.hpp"
#include "credentials/key_page.hpp"
#include "credentials/key_prompt.hpp"
#include "credentials/key_state.hpp"
#include "credentials/store.hpp"
#include "credentials/verifier.hpp"
#include "rest/http_client.hpp"

namespace fini::credentials {

struct SessionCredentialsOptions {
  std::string profile = KeyPromptOptions{}.profile;
  std::optional<std::string> fixed_key;  // from --api-key-file or FINI_API_KEY
  std::string fixed_source;              // "FINI_API_KEY" or "--api-key-file PATH", for messages
  std::string base_url;                  // the session's API (normalized); stored with new keys
  std::optional<ProfileStore> store;     // nullopt: keys from the page live for this session only
  KeyPageOptions page;
  std::chrono::milliseconds elicitation_timeout = KeyPromptOptions{}.elicitation_timeout;
  bool command_line = false;  // `fini-mcp call/export`: messages speak of the shell, not a client
};

class SessionCredentials final : public Credentials {
 public:
  // Loads the profile (unless a fixed key is given). `http` must target options.base_url and
  // outlive this object.
  SessionCredentials(SessionCredentialsOptions options, rest::HttpClient& http);
  ~SessionCredentials() override;

  Result<std::string> key(KeyAsker& asker) override;
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
  void load(const std::optional<std::string>& fixed_key);
  // The page's verdict on a pasted key (runs on the page's server thread).
  Result<std::string> accept_from_page(const std::string& key);
  // Saves `profile` if there is a store (a failure is logged and returned; the key still
  // serves this session).
  Status save_profile(const Profile& profile);

  SessionCredentialsOptions options_;
  rest::HttpClient& http_;
  std::mutex save_mutex_;  // one save at a time, so the file holds the latest of two racing saves
  KeyState state_;
  KeyPrompt prompt_;  // last member: its page's server thread calls accept_from_page
};

}  // namespace fini::credentials
