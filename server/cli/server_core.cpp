#include "cli/server_core.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "cli/base_url_text.hpp"
#include "cli/paths.hpp"
#include "common/version.hpp"
#include "credentials/store.hpp"
#include "rest/base_url.hpp"
#include "tools/manifest.hpp"

namespace fini::cli {

namespace {

// The sandbox's documented read+write key for workspace "acme" (sim/fixtures/keys.json).
constexpr const char* kSandboxKey = "fini_sandbox_acme_rw_1d9a7e3c52";

}  // namespace

const char* const kServerInstructions =
    "Tools for the Fini AI support platform (conversations = hc-interactions, agents = bots, sources = "
    "documents, articles, folders, rules, tags, prompts). Conversation windows are epoch milliseconds "
    "(default last 7 days, at most 90); direction=next pages to OLDER items. Knowledge written through the "
    "API lands as drafts in Review and Approvals unless published. Confirm destructive calls with the user.";

namespace {

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

Result<std::vector<tools::Manifest>> load_manifests_for(const ServeOptions& options) {
  std::filesystem::path manifests_dir = options.manifests_dir;
  if (manifests_dir.empty()) {
    auto found = find_data_dir("manifests");
    if (!found) return invalid_argument("no manifests directory found next to the binary; pass --manifests DIR");
    manifests_dir = *found;
  }
  auto loaded = tools::load_manifests(manifests_dir);
  if (!loaded.issues.empty()) {
    std::string text;
    for (const auto& issue : loaded.issues) {
      text += (text.empty() ? "" : "\nfini-mcp: ") + std::string("invalid manifest: ") + tools::format_issue(issue);
    }
    return invalid_argument(text);
  }
  return std::move(loaded.manifests);
}

namespace {

// The tool surface: the manifests loaded, then selected by --toolsets/--tools/--exclude-tools
// and --read-only.
struct Surface {
  tools::SurfaceOptions options;
  std::vector<tools::Manifest> manifests;
};

Result<Surface> select_surface(const ServeOptions& options) {
  auto loaded = load_manifests_for(options);
  if (!loaded.ok()) return loaded.status();
  Surface surface{tools::SurfaceOptions{to_set(options.toolsets), to_set(options.tools), to_set(options.exclude),
                                        options.read_only, options.show_all},
                  {}};
  auto selected = tools::select_tools(std::move(*loaded), surface.options);
  if (!selected.ok()) return selected.status();
  surface.manifests = std::move(*selected);
  return surface;
}

// A key fixed for the whole process (DESIGN.md §5): --api-key-file, else FINI_API_KEY.
Status take_fixed_key(const ServeOptions& options, credentials::SessionCredentialsOptions& cred) {
  if (!options.api_key_file.empty()) {
    auto from_file = read_key_file(options.api_key_file);
    if (!from_file.ok()) return from_file.status();
    cred.fixed_key = *from_file;
    cred.fixed_source = "--api-key-file " + options.api_key_file;
  } else if (const char* env = std::getenv("FINI_API_KEY"); env != nullptr && *env != '\0') {
    cred.fixed_key = std::string(env);
    cred.fixed_source = "FINI_API_KEY";
  }
  return {};
}

// --sandbox (or FINI_SANDBOX=1, the bundle and plugin setting): an embedded Fini sandbox on a
// loopback port with its well-known read+write key, so the server can be tried from any client
// without a key or a production workspace. It overrides any other key.
Status start_sandbox(const ServeOptions& options, ServerCore& core, credentials::SessionCredentialsOptions& cred) {
  if (!options.sandbox && !env_flag("FINI_SANDBOX")) return {};
  sim::SandboxOptions sandbox_options;
  sandbox_options.job_step_ms = 1000;
  auto started = sim::Sandbox::start(sandbox_options);
  if (!started.ok()) return unavailable("cannot start the embedded sandbox: " + started.status().message());
  core.sandbox = std::move(*started);
  cred.fixed_key = std::string(kSandboxKey);
  core.sandbox_key = std::string(kSandboxKey);
  cred.fixed_source = "--sandbox";
  spdlog::info("serving against the embedded sandbox at {}", core.sandbox->url());
  return {};
}

// Where the key comes from, in order: --api-key-file → FINI_API_KEY → stored profile → ask
// (--sandbox overrides them all). The base URL is filled in later.
Result<credentials::SessionCredentialsOptions> credential_options(const ServeOptions& options, ServerCore& core) {
  credentials::SessionCredentialsOptions cred;
  if (auto s = take_fixed_key(options, cred); !s.ok()) return s;
  if (auto s = start_sandbox(options, core, cred); !s.ok()) return s;
  cred.command_line = options.command_line;
  cred.profile = options.profile.empty() ? env_or("FINI_PROFILE", cred.profile) : options.profile;
  if (auto s = credentials::check_profile_name(cred.profile); !s.ok()) return invalid_argument(s.message());
  if (auto store = credentials::ProfileStore::open_default(); store.ok()) {
    cred.store = *store;
  } else {
    spdlog::warn("{}; keys pasted in this session will not be stored", store.status().message());
  }
  cred.page = options.key_page;
  cred.elicitation_timeout = options.elicitation_timeout;
  return cred;
}

// Base URL: the sandbox's, else --base-url → FINI_BASE_URL → the stored profile's → production.
Result<rest::BaseUrl> resolve_base_url(const ServeOptions& options, const ServerCore& core,
                                       const credentials::SessionCredentialsOptions& cred) {
  std::string text = core.sandbox               ? core.sandbox->url()
                     : options.base_url.empty() ? env_or("FINI_BASE_URL", "")
                                                : options.base_url;
  if (text.empty() && !cred.fixed_key && cred.store) {
    if (auto stored = cred.store->load(cred.profile); stored.ok() && stored->has_value()) text = (*stored)->base_url;
  }
  if (text.empty()) text = rest::kProductionBaseUrl;
  auto base = parse_typed_base_url(text);
  if (!base.ok()) return invalid_argument(base.status().message());
  return *base;
}

// The pooled client to Fini: one connection per worker, through the proxy if one applies.
Status make_rest_client(const ServeOptions& options, const rest::BaseUrl& base, ServerCore& core) {
  rest::ClientOptions client_options = options.upstream;
  client_options.base = base;
  client_options.ca_file = options.ca_file;
  client_options.user_agent = std::string("fini-mcp/") + kVersion;
  client_options.max_connections = options.session.workers;
  client_options.read_only_guard = options.read_only;
  auto proxy = rest::choose_proxy(base, options.proxy, [](const char* name) { return std::getenv(name); });
  if (!proxy.ok()) return invalid_argument(proxy.status().message());
  client_options.proxy = *proxy;
  if (*proxy) spdlog::info("requests to {} go through proxy {}", core.base_url, (*proxy)->describe());
  core.http = rest::make_http_client(client_options);
  return {};
}

// The process's key source (stdio, and the CLI commands); over --http every request brings its
// caller's key instead, and no process-wide key may stand in for it.
credentials::Credentials& make_credentials(const ServeOptions& options, credentials::SessionCredentialsOptions cred,
                                           ServerCore& core) {
  core.credentials = std::make_unique<credentials::SessionCredentials>(std::move(cred), *core.http);
  if (options.http.empty()) return *core.credentials;
  core.bearer = std::make_unique<credentials::BearerCredentials>();
  return *core.bearer;
}

// The Fini tools (one per selected manifest) and export/query_export, which page through the
// served list tools.
void make_tool_providers(const ServeOptions& options, Surface surface, credentials::Credentials& key_source,
                         ServerCore& core) {
  const std::vector<tools::Manifest> served = surface.manifests;
  core.fini_tools = std::make_unique<tools::FiniToolProvider>(std::move(surface.manifests), surface.options, *core.http,
                                                              key_source, core.base_url, options.calls);
  tools::FiniToolProvider& tool_provider = *core.fini_tools;
  tool_provider.require_confirmation(!options.no_confirm && !env_flag("FINI_NO_CONFIRM"));
  tool_provider.legacy_confirm(options.legacy_confirm == "refuse" ? tools::LegacyConfirm::kRefuse
                                                                  : tools::LegacyConfirm::kHost);
  exporting::ExportToolOptions export_options;
  export_options.exports_dir =
      options.exports_dir.empty() ? exporting::default_exports_dir() : std::filesystem::path(options.exports_dir);
  core.export_tools = std::make_unique<exporting::ExportToolProvider>(
      served,
      [&tool_provider](const std::string& tool, const nlohmann::json& args, mcp::CallContext& ctx) {
        return tool_provider.call_structured(tool, args, ctx);
      },
      export_options);
}

// Skills are optional data: without the folder the server still serves every tool.
void load_skills(const ServeOptions& options, ServerCore& core) {
  std::filesystem::path skills_dir = options.skills_dir;
  if (skills_dir.empty()) {
    if (auto found = find_data_dir("skills")) skills_dir = *found;
  }
  if (skills_dir.empty()) return;
  std::vector<std::string> problems;
  core.skills = skills::SkillLibrary::load(skills_dir, &problems);
  for (const auto& p : problems) spdlog::warn("skipping skill: {}", p);
}

// What the session serves: the tools (export's only when asked for) and the resources.
void compose(const ServeOptions& options, ServerCore& core) {
  std::vector<mcp::ToolProvider*> tool_parts{core.fini_tools.get()};
  if (options.export_tools) tool_parts.push_back(core.export_tools.get());
  core.tools = std::make_unique<mcp::CompositeToolProvider>(tool_parts);
  std::vector<const mcp::ResourceProvider*> resource_parts;
  if (core.prompts() != nullptr) resource_parts.push_back(&*core.skills);
  if (options.export_tools) resource_parts.push_back(core.export_tools.get());
  if (!resource_parts.empty()) core.resources = std::make_unique<mcp::CompositeResourceProvider>(resource_parts);
}

}  // namespace

Result<std::unique_ptr<ServerCore>> build_server_core(const ServeOptions& options) {
  auto core = std::make_unique<ServerCore>();
  auto surface = select_surface(options);
  if (!surface.ok()) return surface.status();
  auto cred = credential_options(options, *core);
  if (!cred.ok()) return cred.status();
  auto base = resolve_base_url(options, *core, *cred);
  if (!base.ok()) return base.status();
  core->base_url = base->to_string();
  cred->base_url = core->base_url;
  if (auto s = make_rest_client(options, *base, *core); !s.ok()) return s;
  credentials::Credentials& key_source = make_credentials(options, std::move(*cred), *core);
  make_tool_providers(options, std::move(*surface), key_source, *core);
  load_skills(options, *core);
  compose(options, *core);
  return core;
}

mcp::PromptProvider* ServerCore::prompts() { return skills && !skills->skills().empty() ? &*skills : nullptr; }

int exit_code_for(const Status& status) {
  return status.code() == Code::kInvalidArgument || status.code() == Code::kFailedPrecondition ? 2 : 1;
}

}  // namespace fini::cli
