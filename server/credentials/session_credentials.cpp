#include "credentials/session_credentials.hpp"

#include <spdlog/spdlog.h>

#include "credentials/key_help.hpp"

namespace fini::credentials {

namespace {

// "that is not …" → "That is not ….": messages from the checks read as sentences on the page.
std::string sentence(std::string text) {
  if (!text.empty() && text.front() >= 'a' && text.front() <= 'z') text.front() = static_cast<char>(text.front() - 32);
  if (!text.empty() && text.back() != '.' && text.back() != ')') text += '.';
  return text;
}

KeyPromptOptions prompt_options(const SessionCredentialsOptions& options) {
  KeyPromptOptions o;
  o.profile = options.profile;
  o.page = options.page;
  o.elicitation_timeout = options.elicitation_timeout;
  return o;
}

}  // namespace

SessionCredentials::SessionCredentials(SessionCredentialsOptions options, rest::HttpClient& http)
    : options_(std::move(options)),
      http_(http),
      state_(options_.profile, options_.base_url),
      prompt_(
          state_, [this](const std::string& k) { return accept_from_page(k); }, prompt_options(options_)) {
  load(options_.fixed_key);
}

// Members go in reverse order: prompt_ (and with it the page's server thread) before the rest.
SessionCredentials::~SessionCredentials() = default;

void SessionCredentials::load(const std::optional<std::string>& fixed_key) {
  if (fixed_key) {
    state_.load_fixed(*fixed_key, options_.fixed_source.empty() ? "FINI_API_KEY" : options_.fixed_source);
    return;
  }
  if (!options_.store) return;
  auto loaded = options_.store->load(options_.profile);
  if (!loaded.ok()) {
    state_.load_failed(loaded.status());
    return;
  }
  if (loaded->has_value()) state_.load_profile(**loaded);
}

std::optional<std::set<std::string>> SessionCredentials::scopes() const { return state_.scopes(); }

std::optional<bool> SessionCredentials::may(const std::string& scope) const { return state_.may(scope); }

std::optional<std::string> SessionCredentials::page_url() const { return prompt_.page_url(); }

std::string SessionCredentials::source() const { return state_.source(); }

Status SessionCredentials::save_profile(const Profile& profile) {
  if (!options_.store) return {};
  std::lock_guard lock(save_mutex_);
  Status s = options_.store->save(profile);
  if (!s.ok()) spdlog::warn("{}", s.message());
  return s;
}

Result<std::string> SessionCredentials::key(KeyAsker& asker) {
  const KeyState::Active active = state_.active();
  if (active.fixed) {
    const std::string key = active.key.value_or("");
    if (key.empty()) {
      return Status(Code::kUnauthenticated, options_.fixed_source + " is empty. " + key_how_to(options_.profile, ""));
    }
    if (auto problem = config_problem(key)) {
      return Status(Code::kFailedPrecondition, "Configuration problem: " + *problem + ".");
    }
    return key;
  }
  if (!active.load_error.ok()) return Status(Code::kFailedPrecondition, active.load_error.message());
  if (active.key) return *active.key;
  return prompt_.ask(asker);
}

Result<std::string> SessionCredentials::accept_from_page(const std::string& pasted) {
  const std::string key(trim(pasted));
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
    if (auto s = save_profile(profile); s.ok()) {
      where = "It is stored as profile '" + options_.profile + "' in " +
              options_.store->path_of(options_.profile).string() + " (readable only by you).";
    } else {
      where = "It could not be stored (" + s.message() + "), so it is used for this session only.";
    }
  }
  prompt_.deliver([&] { state_.accept(key, check->scopes, profile.checked_at); });
  spdlog::info("a key was accepted on the key page ({})", access_text(*check));
  return "Fini accepted the key (" + access_text(*check) + "). " + where;
}

void SessionCredentials::observe(const std::string& key, int http_status, const std::string& scope, bool scope_denied) {
  // A failed save is logged by save_profile; what was learned still holds for this session.
  if (auto to_save = state_.observe(key, http_status, scope, scope_denied)) (void)save_profile(*to_save);
}

std::string SessionCredentials::rejection_note() const {
  const KeyState::Origin origin = state_.origin();
  if (options_.command_line) {
    if (origin.fixed) {
      const std::string where = origin.source != "FINI_API_KEY" ? origin.source : "FINI_API_KEY in your environment";
      return "The key comes from " + where +
             ": replace it with a valid key (Deploy → API Keys) and run the command again.";
    }
    return "The stored key (profile '" + options_.profile + "') is now marked invalid: store a valid one with `" +
           login_command(options_.profile) + "` and run the command again.";
  }
  if (origin.fixed) {
    // FINI_API_KEY is set by whoever starts the server; name the usual places so the user
    // knows where to look (asking again would not help: a fixed key is never replaced).
    const std::string where =
        origin.source != "FINI_API_KEY"
            ? origin.source
            : "the FINI_API_KEY environment variable of this server (set in your MCP client's server config, the "
              "Claude Desktop extension's 'Fini API key' setting, the Claude Code plugin's api_key, or your shell)";
    return "The key comes from " + where +
           ": replace it there with a valid key (Deploy → API Keys) and restart "
           "the server.";
  }
  return "The stored key (profile '" + options_.profile +
         "') is now marked invalid; the next tool call will ask "
         "for a new key (or run `" +
         login_command(options_.profile) + "`).";
}

}  // namespace fini::credentials
