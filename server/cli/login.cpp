#include "cli/login.hpp"

#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "cli/base_url_text.hpp"
#include "common/redact.hpp"
#include "common/version.hpp"
#include "credentials/key_format.hpp"
#include "credentials/store.hpp"
#include "credentials/verifier.hpp"
#include "rest/base_url.hpp"
#include "rest/http_client.hpp"

namespace fini::cli {

namespace {

// A message as a sentence of its own, so the next one does not run into it ("…known) Nothing").
std::string sentence(std::string text) {
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (!text.empty() && text.back() != '.' && text.back() != '!' && text.back() != '?') text += '.';
  return text;
}

constexpr std::size_t kMaxLine = 4096;

termios g_saved_termios{};
volatile std::sig_atomic_t g_echo_off = 0;

// A signal while echo is off must not leave the user's terminal silent.
extern "C" void restore_terminal_and_reraise(int sig) {
  if (g_echo_off != 0) ::tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_termios);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? std::string(v) : fallback;
}

std::string profile_name(const std::string& given) {
  return given.empty() ? env_or("FINI_PROFILE", credentials::kDefaultProfile) : given;
}

// One line from fd 0 (without the newline); false on EOF before any byte.
bool read_line(std::string& out) {
  out.clear();
  char c = 0;
  bool any = false;
  while (out.size() < kMaxLine) {
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    any = true;
    if (c == '\n') break;
    out += c;
  }
  return any;
}

Result<std::string> read_key() {
  std::string line;
  if (::isatty(STDIN_FILENO) == 0) {
    // Scripts: the first line of the pipe.
    if (!read_line(line)) return invalid_argument("no key on standard input");
    return std::string(credentials::trim(line));
  }
  if (::tcgetattr(STDIN_FILENO, &g_saved_termios) != 0) return failed_precondition("cannot configure the terminal");
  termios quiet = g_saved_termios;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ECHONL;  // the Enter still moves to the next line
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) std::signal(sig, restore_terminal_and_reraise);
  g_echo_off = 1;
  if (::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0) {
    g_echo_off = 0;
    return failed_precondition("cannot turn off echo on the terminal");
  }
  // The prompt comes only after echo is off, so nothing typed in answer to it is ever shown.
  std::cerr << "Paste your Fini API key (Fini dashboard → Deploy → API Keys); input is hidden: " << std::flush;
  const bool got = read_line(line);
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_termios);
  g_echo_off = 0;
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) std::signal(sig, SIG_DFL);
  if (!got) return invalid_argument("no key was entered");
  return std::string(credentials::trim(line));
}

// The store for a valid profile name: the shared first step of login, logout and whoami.
Result<credentials::ProfileStore> open_store(const std::string& profile) {
  if (auto s = credentials::check_profile_name(profile); !s.ok()) return s;
  return credentials::ProfileStore::open_default();
}

}  // namespace

int run_login(const LoginOptions& options) {
  const std::string profile = profile_name(options.profile);
  auto store = open_store(profile);
  if (!store.ok()) {
    std::cerr << "fini-mcp login: " << store.status().message() << "\n";
    return 2;
  }
  std::string base_text = options.base_url.empty() ? env_or("FINI_BASE_URL", "") : options.base_url;
  if (base_text.empty()) {
    if (auto existing = store->load(profile); existing.ok() && existing->has_value()) base_text = (*existing)->base_url;
  }
  if (base_text.empty()) base_text = rest::kProductionBaseUrl;
  auto base = parse_typed_base_url(base_text);
  if (!base.ok()) {
    std::cerr << "fini-mcp login: " << base.status().message() << "\n";
    return 2;
  }

  auto key = read_key();
  if (!key.ok()) {
    std::cerr << "fini-mcp login: " << sentence(key.status().message()) << " Nothing was stored.\n";
    return 2;
  }
  if (auto s = credentials::check_key_format(*key); !s.ok()) {
    std::cerr << "fini-mcp login: " << sentence(s.message()) << " Nothing was stored.\n";
    return 2;
  }

  rest::ClientOptions client_options;
  client_options.base = *base;
  client_options.ca_file = options.ca_file;
  client_options.read_timeout = std::chrono::milliseconds(options.timeout_ms);
  client_options.user_agent = std::string("fini-mcp/") + kVersion;
  client_options.max_connections = 1;
  // The same proxy choice as serve (env only: login has no --proxy).
  auto proxy = rest::choose_proxy(*base, "", [](const char* name) { return std::getenv(name); });
  if (!proxy.ok()) {
    std::cerr << "fini-mcp login: " << proxy.status().message() << ". Nothing was stored.\n";
    return 2;
  }
  client_options.proxy = *proxy;
  auto http = rest::make_http_client(client_options);
  auto check = credentials::check_key(*http, *key, base->to_string());
  if (!check.ok()) {
    std::cerr << "fini-mcp login: " << sentence(redact(check.status().message(), *key)) << " Nothing was stored.\n";
    return check.status().code() == Code::kInvalidArgument ? 2 : 1;
  }

  credentials::Profile p;
  p.name = profile;
  p.key = *key;
  p.base_url = base->to_string();
  p.scopes = check->scopes;
  p.checked_at = credentials::now_iso8601();
  if (auto s = store->save(p); !s.ok()) {
    std::cerr << "fini-mcp login: " << s.message() << "\n";
    return 1;
  }

  if (check->scopes.count("read") > 0) {
    std::cout << "Fini accepted the key. Agents in this workspace (" << check->agents.size() << "):\n";
    for (const auto& agent : check->agents) {
      if (!agent.is_object()) continue;
      std::cout << "  - " << agent.value("name", "(unnamed)") << " (" << agent.value("id", "?") << ")\n";
    }
  } else {
    std::cout << "Fini accepted the key (it has no read scope, so its agents cannot be listed).\n";
  }
  std::cout << "Access: " << credentials::access_text(*check) << ".\n"
            << "Stored as profile '" << profile << "' for " << p.base_url << " in " << store->path_of(profile).string()
            << " (mode 0600).\n";
  if (const char* env = std::getenv("FINI_API_KEY"); env != nullptr && *env != '\0') {
    std::cout << "Note: FINI_API_KEY is set in this environment; `fini-mcp serve` uses it instead of the profile.\n";
  }
  return 0;
}

int run_logout(const std::string& given) {
  const std::string profile = profile_name(given);
  auto store = open_store(profile);
  if (!store.ok()) {
    std::cerr << "fini-mcp logout: " << store.status().message() << "\n";
    return 2;
  }
  auto removed = store->remove(profile);
  if (!removed.ok()) {
    std::cerr << "fini-mcp logout: " << removed.status().message() << "\n";
    return 1;
  }
  if (*removed) {
    std::cout << "Removed the key of profile '" << profile << "' (" << store->path_of(profile).string() << ").\n";
  } else {
    std::cout << "No key was stored for profile '" << profile << "'.\n";
  }
  return 0;
}

int run_whoami(const std::string& given) {
  const std::string profile = profile_name(given);
  auto store = open_store(profile);
  if (!store.ok()) {
    std::cerr << "fini-mcp whoami: " << store.status().message() << "\n";
    return 2;
  }
  auto loaded = store->load(profile);
  if (!loaded.ok()) {
    std::cerr << "fini-mcp whoami: " << loaded.status().message() << "\n";
    return loaded.status().code() == Code::kDataLoss ? 1 : 2;
  }
  if (!loaded->has_value()) {
    std::cerr << "fini-mcp whoami: no key is stored for profile '" << profile << "' (looked in "
              << store->path_of(profile).string() << "). Run `fini-mcp login"
              << (profile == credentials::kDefaultProfile ? "" : " --profile " + profile) << "`.\n";
    return 1;
  }
  const credentials::Profile& p = **loaded;
  std::cout << "profile:  " << p.name << "\n"
            << "stored:   " << store->path_of(profile).string() << "\n"
            << "base URL: " << (p.base_url.empty() ? std::string(rest::kProductionBaseUrl) : p.base_url) << "\n"
            << "key:      " << mask_token(p.key) << "\n"
            << "scopes:   " << (p.scopes ? credentials::scopes_text(*p.scopes) : std::string("not learned yet")) << "\n"
            << "checked:  " << (p.checked_at.empty() ? std::string("never") : p.checked_at) << "\n"
            << "status:   "
            << (p.invalid ? "rejected by Fini (HTTP 401) since; run `fini-mcp login` to replace it" : "ok") << "\n";
  if (const char* env = std::getenv("FINI_API_KEY"); env != nullptr && *env != '\0') {
    std::cout << "note:     FINI_API_KEY is set; `fini-mcp serve` uses it instead of this profile\n";
  }
  return 0;
}

}  // namespace fini::cli
