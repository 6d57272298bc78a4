#include "credentials/key_prompt.hpp"

#include <algorithm>

#include "credentials/key_help.hpp"

namespace fini::credentials {

namespace {

using std::chrono::milliseconds;

// How often a waiting call re-checks what it cannot be woken for: the link's expiry and its
// own cancellation.
constexpr milliseconds kWaitSlice{100};

}  // namespace

KeyPrompt::KeyPrompt(KeyState& state, KeySubmitHandler on_submit, KeyPromptOptions options)
    : state_(state), on_submit_(std::move(on_submit)), options_(std::move(options)) {}

// The page's server thread may be inside on_submit_ → deliver(): stop it while the rest lives.
KeyPrompt::~KeyPrompt() { page_.reset(); }

std::optional<std::string> KeyPrompt::page_url() const {
  std::lock_guard lock(mutex_);
  if (!prompt_) return std::nullopt;
  return prompt_->link.url;
}

void KeyPrompt::deliver(const std::function<void()>& change) {
  {
    std::lock_guard lock(mutex_);
    change();
  }
  cv_.notify_all();
}

Status KeyPrompt::ensure_prompt_locked() {
  if (!page_) {
    auto page = std::make_unique<KeyPage>(on_submit_, options_.page);
    if (auto s = page->start(); !s.ok()) return s;
    page_ = std::move(page);
  }
  if (prompt_ && page_->state(prompt_->link.id) == KeyPage::LinkState::kOpen) return {};
  auto link = page_->open_link();
  if (!link.ok()) return link.status();
  prompt_ = Prompt{*link, false, 0, ""};
  return {};
}

Result<std::string> KeyPrompt::ask(KeyAsker& asker) {
  Lock lock(mutex_);
  const KeyState::Active active = state_.active();
  // Keys are delivered under this lock, so one that arrived after the caller looked is seen
  // here, and nobody is asked for a key that is already known.
  if (active.key) return *active.key;
  const std::string none_yet = active.rejected ? "The stored Fini API key was rejected by Fini (HTTP 401). "
                                               : "No Fini API key is configured yet. ";
  if (auto s = ensure_prompt_locked(); !s.ok()) {
    return Status(Code::kUnauthenticated, none_yet + "(The key page could not be opened: " + s.message() + ")\n" +
                                              key_how_to(options_.profile, ""));
  }
  Turn turn;
  turn.link = prompt_->link;
  if (!asker.can_open_links()) {
    return Status(Code::kUnauthenticated,
                  none_yet + "This MCP client cannot open a link for it (no URL elicitation support).\n" +
                      key_how_to(options_.profile, turn.link.url) +
                      "\nThen call the tool again: no restart is needed.");
  }
  turn.generation = active.generation;
  turn.refusals = prompt_->refusals;
  turn.asker = !prompt_->asking;
  if (turn.asker) {
    if (auto s = elicit(asker, lock, none_yet, turn); !s.ok()) return s;
  }
  return wait_for_key(asker, lock, turn);
}

// The asker's part: send the person to the page (without holding the lock: they may take
// minutes) and turn a refusal into the error every call of this prompt gets. OK: go on waiting.
Status KeyPrompt::elicit(KeyAsker& asker, Lock& lock, const std::string& none_yet, Turn& turn) {
  auto id = random_token();
  if (!id.ok()) return Status(Code::kUnauthenticated, none_yet + key_how_to(options_.profile, turn.link.url));
  turn.asked = KeyLink{turn.link.url,
                       none_yet +
                           "Open this link to paste it on a page served by fini-mcp on this computer. The key is "
                           "checked with Fini and stored locally; it never passes through Claude.",
                       id->substr(0, 32)};
  prompt_->asking = true;
  const milliseconds timeout = std::min(options_.elicitation_timeout, page_->remaining(turn.link.id));
  lock.unlock();
  auto reply = asker.open_link(turn.asked, timeout);
  lock.lock();
  // A key that arrived meanwhile wins over whatever the client answered.
  if (state_.arrived_since(turn.generation)) return {};
  const std::string refusal = refusal_for(reply, turn.link.url);
  if (refusal.empty()) return {};
  if (same_prompt_locked(turn)) {
    prompt_->asking = false;
    ++prompt_->refusals;
    prompt_->refusal_text = refusal;
  }
  cv_.notify_all();  // the calls waiting with this one share its refusal
  return Status(Code::kUnauthenticated, refusal);
}

// What to tell the user for the client's answer to the elicitation; "" for accept (the key
// then comes through the page).
std::string KeyPrompt::refusal_for(const Result<LinkAnswer>& reply, const std::string& url) const {
  const std::string how_to = key_how_to(options_.profile, url);
  if (!reply.ok()) {
    switch (reply.status().code()) {
      case Code::kCancelled: return "The call was cancelled while waiting for the API key.";
      case Code::kDeadlineExceeded: return "There was no answer to the request for the API key in time. " + how_to;
      default: return "The MCP client could not ask for the API key (" + reply.status().message() + "). " + how_to;
    }
  }
  switch (*reply) {
    case LinkAnswer::kAccepted: return "";
    case LinkAnswer::kDeclined: return "You declined to provide a Fini API key, so the call was not made.\n" + how_to;
    case LinkAnswer::kDismissed:
      return "The request for the Fini API key was dismissed, so the call was not made.\n" + how_to;
    case LinkAnswer::kUnexpected: break;
  }
  return "The MCP client gave an unexpected answer to the request for the API key.\n" + how_to;
}

// Wait for the page to deliver a key (or the shared prompt to be refused, or the link to
// expire). The asker keeps prompt_->asking set while it waits, so later calls join this
// prompt instead of opening a second one; it clears the flag however the wait ends.
Result<std::string> KeyPrompt::wait_for_key(KeyAsker& asker, Lock& lock, const Turn& turn) {
  auto done_asking = [&] {
    if (turn.asker && same_prompt_locked(turn)) prompt_->asking = false;
  };
  while (true) {
    if (auto key = state_.arrived_since(turn.generation)) {
      done_asking();
      lock.unlock();
      if (turn.asker) asker.link_done(turn.asked);
      return *key;
    }
    const bool same_prompt = same_prompt_locked(turn);
    if (!turn.asker && same_prompt && prompt_->refusals != turn.refusals) {
      return Status(Code::kUnauthenticated, prompt_->refusal_text);
    }
    if (!same_prompt || page_->state(turn.link.id) != KeyPage::LinkState::kOpen) {
      done_asking();
      return Status(Code::kUnauthenticated,
                    "The key page expired before a key was saved, so the call was not made. Call the tool again "
                    "for a new link, run `" +
                        login_command(options_.profile) + "`, or set FINI_API_KEY.");
    }
    if (asker.cancelled()) {
      done_asking();
      return Status(Code::kCancelled, "The call was cancelled while waiting for the API key.");
    }
    cv_.wait_for(lock, kWaitSlice);
  }
}

}  // namespace fini::credentials
