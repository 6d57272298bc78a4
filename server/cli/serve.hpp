#pragma once
// `fini-mcp serve`: wires manifests, credentials, the REST client and a transport (stdio, or
// Streamable HTTP with --http), and runs until stdin closes or SIGTERM/SIGINT. Returns the
// process exit code.

#include <cstddef>
#include <string>
#include <vector>

#include "credentials/key_page.hpp"
#include "credentials/session_credentials.hpp"
#include "http/abuse_limits.hpp"
#include "http/http_server.hpp"
#include "mcp/session.hpp"
#include "oauth/cimd_cache.hpp"
#include "oauth/tokens.hpp"
#include "rest/http_client.hpp"
#include "tools/fini_tools.hpp"

namespace fini::cli {

// What `serve` (and the commands that reuse its core) were asked for. Where a module has its
// own options, they are held here as that module's struct, so each default is stated once, in
// the module; the flags (cli/cli_options.cpp, cli/limit_options.cpp) write into them and show
// those defaults. Fields a module cannot know (listen address, key ring, limits object) are
// filled in by the wiring (cli/server_core.cpp, cli/serve.cpp).
struct ServeOptions {
  std::string manifests_dir;
  std::string skills_dir;
  std::string exports_dir;   // empty: $XDG_DATA_HOME/fini-mcp/exports
  bool export_tools = true;  // serve export/query_export (--no-export-tools: off)
  std::string base_url;
  std::string ca_file;
  std::string proxy;  // --proxy URL; empty: https_proxy / HTTPS_PROXY (no_proxy / NO_PROXY honoured)
  std::string api_key_file;
  std::string profile;
  std::vector<std::string> toolsets, tools, exclude;
  bool read_only = false;
  bool show_all = false;
  bool sandbox = false;
  // stdio: --workers (also the upstream pool size), --page-size (also --http), --max-line-bytes,
  // --drain-ms (also --http).
  mcp::SessionOptions session;
  mcp::DispatchOptions dispatch;  // page size; the title and instructions are the product's own
  // One Fini call: --call-timeout-ms, --result-budget.
  tools::CallOptions calls;
  // The upstream client: --connect-timeout-ms, --read-timeout-ms (base URL, CA file, proxy and
  // pool size are set by build_server_core).
  rest::ClientOptions upstream;
  bool no_confirm = false;              // destructive tools run without asking (automation)
  bool command_line = false;            // call/export/tools: messages speak of the shell, not an MCP client
  std::string legacy_confirm = "host";  // --http, 2025-11-25 clients: host (their approval) | refuse
  // --http [HOST:]PORT: serve MCP over Streamable HTTP instead of stdio; keys come per request.
  std::string http;
  std::vector<std::string> allowed_origins;
  // The --http listener: --tls-cert/--tls-key, --max-in-flight, --http-threads,
  // --max-body-bytes, --request-timeout, --anonymous-discovery, --no-access-log.
  http::HttpOptions listener;
  // --http: the OAuth authorization server (see cli/oauth_wiring.hpp).
  bool no_oauth = false;
  std::string token_secret_file;              // empty: an ephemeral secret (warned)
  std::string public_url;                     // empty: derived from each request's Host
  oauth::TokenOptions tokens;                 // --access-token-ttl, --refresh-token-ttl, --auth-code-ttl (hidden)
  bool oauth_private_metadata_hosts = false;  // hidden test knob: client metadata on 127.0.0.1
  // --http limits against key guessing and abuse (cli/limit_options.hpp): --signin-attempts,
  // --refused-key-cache, --limit-table-size; the rates are flag text ("COUNT/SECONDS", 0: off),
  // parsed by make_abuse_limits, their defaults taken from http::AbuseOptions.
  http::AbuseOptions limits;
  std::string limit_key_checks = http::rate_spec(limits.key_checks);
  std::string limit_key_checks_global = http::rate_spec(limits.key_checks_global);
  std::string limit_authorize = http::rate_spec(limits.authorize);
  std::string limit_token = http::rate_spec(limits.token);
  std::string limit_register = http::rate_spec(limits.registrations);
  // Proxies whose X-Forwarded-Proto/-For count (addresses or CIDR ranges): by default a reverse
  // proxy on this host.
  std::string trusted_proxies = "127.0.0.1/8,::1";
  std::vector<std::string> allowed_redirect_hosts;  // beyond claude.ai, claude.com and loopback
  oauth::CimdOptions cimd;  // client metadata fetches: --cimd-fetch-threads, --cimd-per-host, --cimd-waiters
  // Hidden test knobs for the one-time key page: its link's lifetime and the elicitation wait.
  credentials::KeyPageOptions key_page;
  std::chrono::milliseconds elicitation_timeout = credentials::SessionCredentialsOptions{}.elicitation_timeout;
};

int run_serve(const ServeOptions& options);

}  // namespace fini::cli
