#include "cli/serve.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "cli/paths.hpp"
#include "common/logging.hpp"
#include "common/fd_input.hpp"
#include "common/signals.hpp"
#include "common/version.hpp"
#include "credentials/session_credentials.hpp"
#include "credentials/store.hpp"
#include "export/export_tools.hpp"
#include "mcp/composite.hpp"
#include "mcp/session.hpp"
#include "rest/base_url.hpp"
#include "sim/sandbox.hpp"
#include "rest/http_client.hpp"
#include "skills/skill_library.hpp"
#include "tools/fini_tools.hpp"
#include "tools/manifest.hpp"

namespace fini::cli {

namespace {

// The sandbox's documented read+write key for workspace "acme" (sim/fixtures/keys.json).
constexpr const char* kSandboxKey = "fini_sandbox_acme_rw_1d9a7e3c52";
constexpr const char* kDefaultBaseUrl = "https://api-prod.usefini.com";

constexpr const char* kInstructions =
    "Tools for the Fini AI support platform (conversations = hc-interactions, agents = bots, sources = "
    "documents, articles, folders, rules, tags, prompts). Conversation windows are epoch milliseconds "
    "(default last 7 days, at most 90); direction=next pages to OLDER items. Knowledge written through the "
    "API lands as drafts in Review and Approvals unless published. Confirm destructive calls with the user.";

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? std::string(v) : fallback;
}

// A yes/no setting from the environment. Only an explicit yes counts: hosts may pass an unset
// bundle/plugin option as "", "false" or the unexpanded "${user_config.x}".
bool env_flag(const char* name) {
  const std::string v = env_or(name, "");
  return v == "1" || v == "true" || v == "yes" || v == "on";
}

Result<std::optional<std::string>> read_key_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status(Code::kFailedPrecondition, "cannot read --api-key-file " + path);
  if ((st.st_mode & 077) != 0) {
    return Status(Code::kFailedPrecondition,
                  "refusing to read " + path + ": it is readable by group or others; run `chmod 600 " + path + "`");
  }
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string key = ss.str();
  return std::optional<std::string>(credentials::trim(key));
}

std::set<std::string> to_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

}  // namespace

int run_serve(const ServeOptions& options) {
  // Termination signals are awaited by one thread below (no async handlers).
  sigset_t signals = block_termination_signals();

  std::filesystem::path manifests_dir = options.manifests_dir;
  if (manifests_dir.empty()) {
    auto found = find_data_dir("manifests");
    if (!found) {
      std::cerr << "fini-mcp: no manifests directory found next to the binary; pass --manifests DIR\n";
      return 2;
    }
    manifests_dir = *found;
  }
  auto loaded = tools::load_manifests(manifests_dir);
  if (!loaded.issues.empty()) {
    for (const auto& issue : loaded.issues) std::cerr << "fini-mcp: invalid manifest: " << tools::format_issue(issue) << "\n";
    return 2;
  }
  tools::SurfaceOptions surface{to_set(options.toolsets), to_set(options.tools), to_set(options.exclude),
                                options.read_only, options.show_all};
  auto selected = tools::select_tools(std::move(loaded.manifests), surface);
  if (!selected.ok()) {
    std::cerr << "fini-mcp: " << selected.status().message() << "\n";
    return 2;
  }

  // Key resolution (DESIGN.md §5): --api-key-file → FINI_API_KEY → stored profile → ask.
  credentials::SessionCredentialsOptions cred;
  if (!options.api_key_file.empty()) {
    auto from_file = read_key_file(options.api_key_file);
    if (!from_file.ok()) {
      std::cerr << "fini-mcp: " << from_file.status().message() << "\n";
      return 2;
    }
    cred.fixed_key = *from_file;
    cred.fixed_source = "--api-key-file " + options.api_key_file;
  } else if (const char* env = std::getenv("FINI_API_KEY"); env != nullptr && *env != '\0') {
    cred.fixed_key = std::string(env);
    cred.fixed_source = "FINI_API_KEY";
  }
  // --sandbox: an embedded Fini sandbox on a loopback port with its well-known read+write key,
  // so the server can be tried from any client without a key or a production workspace.
  std::unique_ptr<sim::Sandbox> sandbox;
  if (options.sandbox) {
    sim::SandboxOptions sandbox_options;
    sandbox_options.job_step_ms = 1000;
    auto started = sim::Sandbox::start(sandbox_options);
    if (!started.ok()) {
      std::cerr << "fini-mcp: cannot start the embedded sandbox: " << started.status().message() << "\n";
      return 1;
    }
    sandbox = std::move(*started);
    cred.fixed_key = std::string(kSandboxKey);
    cred.fixed_source = "--sandbox";
    spdlog::info("serving against the embedded sandbox at {}", sandbox->url());
  }
  cred.profile = options.profile.empty() ? env_or("FINI_PROFILE", "default") : options.profile;
  if (auto s = credentials::check_profile_name(cred.profile); !s.ok()) {
    std::cerr << "fini-mcp: " << s.message() << "\n";
    return 2;
  }
  if (auto store = credentials::ProfileStore::open_default(); store.ok()) {
    cred.store = *store;
  } else {
    spdlog::warn("{}; keys pasted in this session will not be stored", store.status().message());
  }

  // Base URL: --base-url → FINI_BASE_URL → the stored profile's → production.
  std::string base_text = sandbox ? sandbox->url()
                                  : options.base_url.empty() ? env_or("FINI_BASE_URL", "") : options.base_url;
  if (base_text.empty() && !cred.fixed_key && cred.store) {
    if (auto stored = cred.store->load(cred.profile); stored.ok() && stored->has_value()) {
      base_text = (*stored)->base_url;
    }
  }
  if (base_text.empty()) base_text = kDefaultBaseUrl;
  auto base = rest::parse_base_url(base_text);
  if (!base.ok()) {
    std::cerr << "fini-mcp: " << base.status().message() << "\n";
    return 2;
  }
  cred.base_url = base->to_string();
  if (options.key_page_ttl_ms > 0) cred.page.ttl = std::chrono::milliseconds(options.key_page_ttl_ms);
  if (options.elicitation_timeout_ms > 0) {
    cred.elicitation_timeout = std::chrono::milliseconds(options.elicitation_timeout_ms);
  }

  rest::ClientOptions client_options;
  client_options.base = *base;
  client_options.ca_file = options.ca_file;
  client_options.connect_timeout = std::chrono::milliseconds(options.connect_timeout_ms);
  client_options.read_timeout = std::chrono::milliseconds(options.read_timeout_ms);
  client_options.user_agent = std::string("fini-mcp/") + kVersion;
  client_options.max_connections = options.workers;
  client_options.read_only_guard = options.read_only;
  auto http = rest::make_http_client(client_options);

  credentials::SessionCredentials credentials(std::move(cred), *http);
  tools::CallOptions call_options;
  call_options.call_timeout = std::chrono::milliseconds(options.call_timeout_ms);
  call_options.result_budget = options.result_budget;
  // export/query_export page through the served list tools; copy their manifests first.
  const std::vector<tools::Manifest> served = *selected;
  tools::FiniToolProvider tool_provider(std::move(*selected), surface, *http, credentials, base->to_string(),
                                        call_options);
  exporting::ExportToolOptions export_options;
  export_options.exports_dir = options.exports_dir.empty() ? exporting::default_exports_dir()
                                                          : std::filesystem::path(options.exports_dir);
  exporting::ExportToolProvider export_provider(
      served,
      [&tool_provider](const std::string& tool, const nlohmann::json& args, mcp::CallContext& ctx) {
        return tool_provider.call_structured(tool, args, ctx);
      },
      export_options);
  std::vector<mcp::ToolProvider*> tool_parts{&tool_provider};
  if (options.export_tools) tool_parts.push_back(&export_provider);
  mcp::CompositeToolProvider all_tools(tool_parts);
  tool_provider.require_confirmation(!options.no_confirm && !env_flag("FINI_NO_CONFIRM"));

  // Skills are optional data: without the folder the server still serves every tool.
  std::optional<skills::SkillLibrary> skill_library;
  std::filesystem::path skills_dir = options.skills_dir;
  if (skills_dir.empty()) {
    if (auto found = find_data_dir("skills")) skills_dir = *found;
  }
  if (!skills_dir.empty()) {
    std::vector<std::string> problems;
    skill_library = skills::SkillLibrary::load(skills_dir, &problems);
    for (const auto& p : problems) spdlog::warn("skipping skill: {}", p);
  }

  FdInput input_buffer(STDIN_FILENO);
  std::istream input(&input_buffer);
  mcp::SessionOptions session_options;
  session_options.instructions = kInstructions;
  session_options.workers = options.workers;
  session_options.page_size = options.page_size;
  session_options.max_line_bytes = options.max_line_bytes;
  session_options.drain_timeout = std::chrono::milliseconds(options.drain_ms);
  session_options.interrupt_input = [&input_buffer] { input_buffer.interrupt(); };
  std::ios::sync_with_stdio(false);
  session_options.on_log_level = [](mcp::LogLevel level) { set_forward_level(std::string(mcp::log_level_name(level))); };
  mcp::Session session(session_options, input, std::cout);
  session.set_tools(&all_tools);
  std::vector<const mcp::ResourceProvider*> resource_parts;
  if (skill_library && !skill_library->skills().empty()) {
    session.set_prompts(&*skill_library);
    resource_parts.push_back(&*skill_library);
  }
  if (options.export_tools) resource_parts.push_back(&export_provider);
  mcp::CompositeResourceProvider all_resources(resource_parts);
  if (!resource_parts.empty()) session.set_resources(&all_resources);
  tool_provider.on_list_changed([&session] { session.notify_tools_changed(); });
  // Process logs reach the client as notifications/message once it asks (logging/setLevel).
  set_log_forwarder(
      [](void* context, const char* level, const std::string& message) {
        if (auto parsed = mcp::parse_log_level(level)) {
          static_cast<mcp::Session*>(context)->log(*parsed, "fini-mcp", message);
        }
      },
      &session);

  // SIGTERM/SIGINT: the first stops reading and drains running calls; a second cuts the drain
  // short. Every request read is answered either way.
  SignalWatcher watcher(signals, [&session](int count, int sig) {
    spdlog::info("signal {}: {}", sig, count == 1 ? "shutting down" : "cutting the drain short");
    if (count == 1) session.stop();
    else session.cut_short();
  });

  if (!session.run()) {
    // Work still running past the drain and the abort grace (nothing should be): leave now
    // rather than make the client wait; there is nobody left to answer. Output is closed.
    spdlog::warn("exiting with requests still in flight");
    std::_Exit(0);
  }
  set_log_forwarder(nullptr, nullptr);  // the session is about to go away
  return 0;
}

}  // namespace fini::cli
