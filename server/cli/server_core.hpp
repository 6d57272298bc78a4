#pragma once
// Everything a transport serves, built once from the serve options: the manifests selected into
// the tool surface, the key (credentials), the pooled REST client, the export tools, skills as
// prompts and resources, and the embedded sandbox of --sandbox. Transports (stdio today, HTTP
// next) only wire a session to it. Not movable: its parts refer to each other.

#include <memory>
#include <optional>
#include <string>

#include "cli/serve.hpp"
#include "common/status.hpp"
#include "credentials/bearer_credentials.hpp"
#include "credentials/session_credentials.hpp"
#include "export/export_tools.hpp"
#include "mcp/composite.hpp"
#include "rest/http_client.hpp"
#include "sim/sandbox.hpp"
#include "skills/skill_library.hpp"
#include "tools/fini_tools.hpp"

namespace fini::cli {

extern const char* const kServerInstructions;

struct ServerCore {
  ServerCore() = default;
  ServerCore(const ServerCore&) = delete;
  ServerCore& operator=(const ServerCore&) = delete;

  std::unique_ptr<sim::Sandbox> sandbox;  // --sandbox only; declared first, destroyed last
  // --sandbox: the sandbox's own read+write key, which --http lends to a request that brings none.
  std::optional<std::string> sandbox_key;
  std::string base_url;  // normalized
  std::unique_ptr<rest::HttpClient> http;
  std::unique_ptr<credentials::SessionCredentials> credentials;  // stdio: the process's key
  std::unique_ptr<credentials::BearerCredentials> bearer;        // --http: each request's key
  std::unique_ptr<tools::FiniToolProvider> fini_tools;
  std::unique_ptr<exporting::ExportToolProvider> export_tools;
  std::unique_ptr<mcp::CompositeToolProvider> tools;  // what the session serves
  std::optional<skills::SkillLibrary> skills;
  std::unique_ptr<mcp::CompositeResourceProvider> resources;  // null: nothing to serve
  mcp::PromptProvider* prompts();                             // null: no skills
};

// The manifests --manifests (or the installed folder) holds, all of them; an error lists every
// invalid one.
Result<std::vector<tools::Manifest>> load_manifests_for(const ServeOptions& options);

// kInvalidArgument / kFailedPrecondition: a usage or configuration problem (exit 2); others
// (the sandbox could not start): exit 1. Messages are for stderr after "fini-mcp: ".
Result<std::unique_ptr<ServerCore>> build_server_core(const ServeOptions& options);
int exit_code_for(const Status& status);

}  // namespace fini::cli
