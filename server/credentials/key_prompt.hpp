#pragma once
// KeyPrompt: asking the person for a Fini API key, for calls that found none usable in the
// KeyState. It owns the one-time KeyPage on 127.0.0.1 and sends the client a URL elicitation to
// it (MCP elicitation: an API key must never travel through form mode). Concurrent first
// calls share one prompt: the first call asks, later ones wait with it and share its answer
// (a key, or the refusal). A client without URL elicitation gets the page URL and the other
// ways in an error; the page stays up, so the call after the user pasted the key just works.
// What the page does with a pasted key is the owner's `on_submit` (check with Fini, store);
// the owner hands an accepted key over through deliver(), which wakes every waiting call.
// Lock order: this prompt's mutex, then the KeyState's (ask() reads the state under it,
// deliver() changes it under it); never the reverse, and never held across asking the person or a
// wait. The KeyPage's own locks come after ours; it calls on_submit without holding them.
// Thread-safety: every method may be called from any thread. Never throws; no message or
// page contains the key.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/status.hpp"
#include "credentials/key_asker.hpp"
#include "credentials/key_page.hpp"
#include "credentials/key_state.hpp"

namespace fini::credentials {

struct KeyPromptOptions {
  std::string profile = kDefaultProfile;  // named in the how-to texts (`fini-mcp login --profile …`)
  KeyPageOptions page;
  std::chrono::milliseconds elicitation_timeout{std::chrono::minutes(10)};
};

class KeyPrompt {
 public:
  // `state` must outlive this object; `on_submit` runs on the page's server thread.
  KeyPrompt(KeyState& state, KeySubmitHandler on_submit, KeyPromptOptions options);
  ~KeyPrompt();
  KeyPrompt(const KeyPrompt&) = delete;
  KeyPrompt& operator=(const KeyPrompt&) = delete;

  // Asks (or joins the prompt in flight) and waits, bounded by the elicitation timeout and the
  // link's expiry, for a key to be delivered. Errors say how else to provide the key.
  Result<std::string> ask(KeyAsker& asker);
  // Runs `change` (handing a new key to the KeyState) under this prompt's lock, then wakes the
  // waiting calls: a call inside ask() sees the state either before or after, never between.
  void deliver(const std::function<void()>& change);
  // The open one-time link, if any (tests and logs).
  std::optional<std::string> page_url() const;

 private:
  struct Prompt {
    KeyPage::Link link;
    bool asking = false;         // an elicitation/create is in flight for this link
    std::uint64_t refusals = 0;  // bumps on decline/cancel/failure of that elicitation
    std::string refusal_text;
  };
  // One call's part in a prompt.
  struct Turn {
    KeyPage::Link link;
    std::uint64_t generation = 0;  // the KeyState's generation when the call began asking
    std::uint64_t refusals = 0;    // the prompt's refusals then: a change means the asker was refused
    bool asker = false;            // this call asks the person; the others wait with it
    KeyLink asked;                 // what the asker sent (its id says "done" later)
  };
  using Lock = std::unique_lock<std::mutex>;

  Status ensure_prompt_locked();
  Status elicit(KeyAsker& asker, Lock& lock, const std::string& none_yet, Turn& turn);
  std::string refusal_for(const Result<LinkAnswer>& reply, const std::string& url) const;
  Result<std::string> wait_for_key(KeyAsker& asker, Lock& lock, const Turn& turn);
  bool same_prompt_locked(const Turn& turn) const { return prompt_ && prompt_->link.id == turn.link.id; }

  KeyState& state_;
  KeySubmitHandler on_submit_;
  KeyPromptOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<Prompt> prompt_;
  std::unique_ptr<KeyPage> page_;  // last member: its server thread calls on_submit_ → deliver()
};

}  // namespace fini::credentials
