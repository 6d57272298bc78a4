#include "credentials/session_credentials.hpp"

#include <spdlog/spdlog.h>

namespace fini::credentials {

namespace {

using Json = nlohmann::json;
using std::chrono::milliseconds;

constexpr milliseconds kWaitSlice{100};

bool is_scope(const std::string& s) { return s == "read" || s == "write"; }

// "that is not …" → "That is not ….": messages from the checks read as sentences on the page.
std::string sentence(std::string text) {
  if (!text.empty() && text.front() >= 'a' && text.front() <= 'z') text.front() = static_cast<char>(text.front() - 32);
  if (!text.empty() && text.back() != '.' && text.back() != ')') text += '.';
  return text;
}

}  // namespace

SessionCredentials::SessionCredentials(SessionCredentialsOptions options, rest::HttpClient& http)
    : options_(std::move(options)), http_(http) {
  if (options_.fixed_key) {
    key_ = options_.fixed_key;
    fixed_ = true;
    source_ = options_.fixed_source.empty() ? "FINI_API_KEY" : options_.fixed_source;
    return;
  }
  if (!options_.store) return;
  auto loaded = options_.store->load(options_.profile);
  if (!loaded.ok()) {
    load_error_ = loaded.status();
    spdlog::warn("{}", load_error_.message());
    return;
  }
  if (!loaded->has_value()) return;
  const Profile& p = **loaded;
  if (p.invalid) {
    spdlog::info("the stored key of profile '{}' was rejected earlier; a new one will be asked for", p.name);
    return;
  }
  if (!p.base_url.empty() && !options_.base_url.empty() && p.base_url != options_.base_url) {
    // A key is bound to the API it was checked against; do not hand it to another host.
    spdlog::warn("profile '{}' holds a key for {}, not {}; a key for this API will be asked for", p.name,
                 p.base_url, options_.base_url);
    return;
  }
  key_ = p.key;
  scopes_ = p.scopes;
  denied_ = p.denied;
  checked_at_ = p.checked_at;
  source_ = "profile '" + p.name + "'";
}

SessionCredentials::~SessionCredentials() { page_.reset(); }

std::optional<std::set<std::string>> SessionCredentials::scopes() const {
  std::lock_guard lock(mutex_);
  return scopes_;
}

std::optional<bool> SessionCredentials::may(const std::string& scope) const {
  std::lock_guard lock(mutex_);
  if (denied_.count(scope) > 0) return false;
  if (scopes_ && scopes_->count(scope) > 0) return true;
  return std::nullopt;
}

std::optional<std::string> SessionCredentials::page_url() const {
  std::lock_guard lock(mutex_);
  if (!prompt_) return std::nullopt;
  return prompt_->link.url;
}

std::string SessionCredentials::source() const {
  std::lock_guard lock(mutex_);
  return (key_ && !invalid_) ? source_ : std::string();
}

std::string SessionCredentials::login_command() const {
  return options_.profile == "default" ? "fini-mcp login" : "fini-mcp login --profile " + options_.profile;
}

std::string SessionCredentials::how_to(const std::string& url) const {
  std::string text = "Ways to provide the Fini API key (create one in the Fini dashboard under Deploy → API Keys):";
  if (!url.empty()) {
    text += "\n1. Open " + url + " in a browser on this computer and paste the key there (the link is single-use "
            "and expires; call a tool again for a new one).";
  }
  text += std::string("\n") + (url.empty() ? "1" : "2") + ". Run `" + login_command() + "` in a terminal.";
  text += std::string("\n") + (url.empty() ? "2" : "3") +
          ". Set FINI_API_KEY in this MCP server's environment (Claude Desktop: the extension's settings), then "
          "restart it.";
  return text;
}

Profile SessionCredentials::snapshot_locked() const {
  Profile p;
  p.name = options_.profile;
  p.key = key_.value_or("");
  p.base_url = options_.base_url;
  p.scopes = scopes_;
  p.denied = denied_;
  p.checked_at = checked_at_;
  p.invalid = invalid_;
  return p;
}

void SessionCredentials::save_profile(const Profile& profile) {
  if (!options_.store) return;
  std::lock_guard lock(save_mutex_);
  if (auto s = options_.store->save(profile); !s.ok()) spdlog::warn("{}", s.message());
}

Result<std::string> SessionCredentials::key(mcp::CallContext& ctx) {
  std::unique_lock lock(mutex_);
  if (fixed_) {
    const std::string key = *key_;
    if (key.empty()) return Status(Code::kUnauthenticated, options_.fixed_source + " is empty. " + how_to(""));
    if (auto problem = config_problem(key)) {
      return Status(Code::kFailedPrecondition, "Configuration problem: " + *problem + ".");
    }
    return key;
  }
  if (!load_error_.ok()) return Status(Code::kFailedPrecondition, load_error_.message());
  if (key_ && !invalid_) {
    return *key_;
  }
  return ask(ctx, lock);
}

Status SessionCredentials::ensure_prompt_locked() {
  if (!page_) {
    auto page = std::make_unique<KeyPage>([this](const std::string& k) { return accept_from_page(k); },
                                          options_.page);
    if (auto s = page->start(); !s.ok()) return s;
    page_ = std::move(page);
  }
  if (prompt_ && page_->state(prompt_->link.id) == KeyPage::LinkState::kOpen) return {};
  auto link = page_->open_link();
  if (!link.ok()) return link.status();
  prompt_ = Prompt{*link, false, 0, ""};
  return {};
}

Result<std::string> SessionCredentials::ask(mcp::CallContext& ctx, std::unique_lock<std::mutex>& lock) {
  const std::string none_yet = invalid_ ? "The stored Fini API key was rejected by Fini (HTTP 401). "
                                        : "No Fini API key is configured yet. ";
  if (auto s = ensure_prompt_locked(); !s.ok()) {
    return Status(Code::kUnauthenticated, none_yet + "(The key page could not be opened: " + s.message() + ")\n" +
                                              how_to(""));
  }
  const KeyPage::Link link = prompt_->link;
  if (!ctx.client().elicitation_url) {
    return Status(Code::kUnauthenticated,
                  none_yet + "This MCP client cannot open a link for it (no URL elicitation support).\n" +
                      how_to(link.url) + "\nThen call the tool again: no restart is needed.");
  }
  const std::uint64_t generation = generation_;
  const std::uint64_t refusals = prompt_->refusals;
  const bool asker = !prompt_->asking;
  std::string elicitation_id;
  if (asker) {
    auto id = random_token();
    if (!id.ok()) return Status(Code::kUnauthenticated, none_yet + how_to(link.url));
    elicitation_id = id->substr(0, 32);
    prompt_->asking = true;
    const milliseconds timeout = std::min(options_.elicitation_timeout, page_->remaining(link.id));
    lock.unlock();
    const Json params{{"mode", "url"},
                      {"message", none_yet + "Open this link to paste it on a page served by fini-mcp on this "
                                             "computer. The key is checked with Fini and stored locally; it "
                                             "never passes through Claude."},
                      {"url", link.url},
                      {"elicitationId", elicitation_id}};
    auto reply = ctx.request("elicitation/create", params, timeout);
    lock.lock();
    const bool same_prompt = prompt_ && prompt_->link.id == link.id;
    const bool arrived = generation_ != generation && key_ && !invalid_;
    std::string refusal;
    if (!arrived) {
      if (!reply.ok()) {
        switch (reply.status().code()) {
          case Code::kCancelled: refusal = "The call was cancelled while waiting for the API key."; break;
          case Code::kDeadlineExceeded:
            refusal = "There was no answer to the request for the API key in time. " + how_to(link.url);
            break;
          default:
            refusal = "The MCP client could not ask for the API key (" + reply.status().message() + "). " +
                      how_to(link.url);
        }
      } else {
        const std::string action = reply->is_object() ? reply->value("action", "") : "";
        if (action == "decline") {
          refusal = "You declined to provide a Fini API key, so the call was not made.\n" + how_to(link.url);
        } else if (action == "cancel") {
          refusal = "The request for the Fini API key was dismissed, so the call was not made.\n" + how_to(link.url);
        } else if (action != "accept") {
          refusal = "The MCP client gave an unexpected answer to the request for the API key.\n" + how_to(link.url);
        }
      }
    }
    if (!refusal.empty()) {
      if (same_prompt) {
        prompt_->asking = false;
        ++prompt_->refusals;
        prompt_->refusal_text = refusal;
      }
      cv_.notify_all();
      return Status(Code::kUnauthenticated, refusal);
    }
  }
  // Wait for the page to deliver a key (or the shared prompt to be refused, or the link to expire).
  // The asker keeps prompt_->asking set while it waits, so later calls join this prompt instead
  // of opening a second one; it clears the flag however the wait ends.
  auto done_asking = [&] {
    if (asker && prompt_ && prompt_->link.id == link.id) prompt_->asking = false;
  };
  while (true) {
    if (generation_ != generation && key_ && !invalid_) {
      done_asking();
      const std::string key = *key_;
      lock.unlock();
      if (asker) ctx.notify("notifications/elicitation/complete", Json{{"elicitationId", elicitation_id}});
      return key;
    }
    const bool same_prompt = prompt_ && prompt_->link.id == link.id;
    if (!asker && same_prompt && prompt_->refusals != refusals) {
      return Status(Code::kUnauthenticated, prompt_->refusal_text);
    }
    if (!same_prompt || page_->state(link.id) != KeyPage::LinkState::kOpen) {
      done_asking();
      return Status(Code::kUnauthenticated,
                    "The key page expired before a key was saved, so the call was not made. Call the tool again "
                    "for a new link, run `" + login_command() + "`, or set FINI_API_KEY.");
    }
    if (ctx.cancelled()) {
      done_asking();
      return Status(Code::kCancelled, "The call was cancelled while waiting for the API key.");
    }
    cv_.wait_for(lock, kWaitSlice);
  }
}

Result<std::string> SessionCredentials::accept_from_page(const std::string& pasted) {
  const std::string key = trim(pasted);
  auto check = check_key(http_, key, options_.base_url);
  if (!check.ok()) {
    spdlog::info("a key pasted on the key page was not accepted: {}", check.status().message());
    return Status(check.status().code(), sentence(check.status().message()) + " Try again.");
  }
  // Store first, then hand the key to the waiting calls: when a call completes, the key is
  // already where the next session will look for it.
  Profile profile;
  profile.name = options_.profile;
  profile.key = key;
  profile.base_url = options_.base_url;
  profile.scopes = check->scopes;
  profile.checked_at = now_iso8601();
  std::string where = "It is used for this session only (no configuration folder to store it in).";
  if (options_.store) {
    std::lock_guard lock(save_mutex_);
    if (auto s = options_.store->save(profile); s.ok()) {
      where = "It is stored as profile '" + options_.profile + "' in " +
              options_.store->path_of(options_.profile).string() + " (readable only by you).";
    } else {
      spdlog::warn("{}", s.message());
      where = "It could not be stored (" + s.message() + "), so it is used for this session only.";
    }
  }
  {
    std::lock_guard lock(mutex_);
    key_ = key;
    invalid_ = false;
    fixed_ = false;
    load_error_ = Status();
    scopes_ = check->scopes;
    denied_.clear();
    checked_at_ = profile.checked_at;
    source_ = "key page";
    ++generation_;
  }
  cv_.notify_all();
  spdlog::info("a key was accepted on the key page ({})", access_text(*check));
  return "Fini accepted the key (" + access_text(*check) + "). " + where;
}

void SessionCredentials::observe(const std::string& key, int http_status, const std::string& scope,
                                 bool scope_denied) {
  if (http_status == 401) {
    std::optional<Profile> to_save;
    {
      std::lock_guard lock(mutex_);
      if (key_ != key || invalid_) return;
      invalid_ = true;
      if (fixed_) {
        spdlog::warn("Fini rejected the key from {} (HTTP 401)", source_);
        return;
      }
      spdlog::warn("Fini rejected the stored key of profile '{}' (HTTP 401); it is marked invalid", options_.profile);
      to_save = snapshot_locked();
    }
    save_profile(*to_save);
    return;
  }
  if (!is_scope(scope)) return;
  const bool granted = http_status >= 200 && http_status < 300;
  if (!granted && !scope_denied) return;  // other failures say nothing about scopes
  std::optional<Profile> to_save;
  {
    std::lock_guard lock(mutex_);
    if (key_ != key) return;
    if (granted) {
      if (denied_.erase(scope) == 0 && scopes_ && scopes_->count(scope) > 0) return;  // nothing new
      if (!scopes_) scopes_.emplace();
      scopes_->insert(scope);  // the API just proved it
    } else {
      if (!denied_.insert(scope).second) return;
      if (scopes_) scopes_->erase(scope);
      spdlog::info("Fini refused the key the '{}' scope; hiding the tools that need it", scope);
    }
    checked_at_ = now_iso8601();
    if (!fixed_) to_save = snapshot_locked();
  }
  if (to_save) save_profile(*to_save);
}

std::string SessionCredentials::rejection_note() const {
  std::lock_guard lock(mutex_);
  if (fixed_) {
    // FINI_API_KEY is set by whoever starts the server; name the usual places so the user
    // knows where to look (asking again would not help: a fixed key is never replaced).
    const std::string where = source_ != "FINI_API_KEY" ? source_ :
        "the FINI_API_KEY environment variable of this server (set in your MCP client's server config, the "
        "Claude Desktop extension's 'Fini API key' setting, the Claude Code plugin's api_key, or your shell)";
    return "The key comes from " + where + ": replace it there with a valid key (Deploy → API Keys) and restart "
           "the server.";
  }
  return "The stored key (profile '" + options_.profile + "') is now marked invalid; the next tool call will ask "
         "for a new key (or run `" + login_command() + "`).";
}

}  // namespace fini::credentials
