#pragma once
// `fini-mcp serve`: wires manifests, credentials, the REST client and a transport (stdio, or
// Streamable HTTP with --http), and runs until stdin closes or SIGTERM/SIGINT. Returns the
// process exit code.

#include <cstddef>
#include <string>
#include <vector>

namespace fini::cli {

struct ServeOptions {
  std::string manifests_dir;
  std::string skills_dir;
  std::string exports_dir;  // empty: $XDG_DATA_HOME/fini-mcp/exports
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
  std::size_t workers = 64;          // concurrent tool calls = pooled upstream connections
  long drain_ms = 10000;             // shutdown: how long running calls may still finish
  long call_timeout_ms = 120000;     // total deadline of one upstream call, retries included
  std::size_t result_budget = 48u * 1024u;  // bytes of JSON one tool result may carry
  bool no_confirm = false;  // destructive tools run without asking (automation)
  bool command_line = false;  // call/export/tools: messages speak of the shell, not an MCP client
  std::string legacy_confirm = "host";  // --http, 2025-11-25 clients: host (their approval) | refuse
  std::size_t page_size = 0;
  std::size_t max_line_bytes = 16u * 1024u * 1024u;
  int connect_timeout_ms = 10000;
  int read_timeout_ms = 60000;
  // --http [HOST:]PORT: serve MCP over Streamable HTTP instead of stdio; keys come per request.
  std::string http;
  std::vector<std::string> allowed_origins;
  std::string tls_cert, tls_key;
  std::size_t max_in_flight = 64;
  std::size_t http_threads = 0;  // 0: max_in_flight + 32
  std::size_t max_body_bytes = 4u << 20;
  int request_timeout_s = 10;  // --http: total time to read one request (head and body)
  bool anonymous_discovery = false;
  bool no_access_log = false;
  // --http: the OAuth authorization server (see cli/oauth_wiring.hpp).
  bool no_oauth = false;
  std::string token_secret_file;  // empty: an ephemeral secret (warned)
  std::string public_url;         // empty: derived from each request's Host
  long access_token_ttl_s = 3600;
  long refresh_token_ttl_s = 30L * 24 * 3600;
  long auth_code_ttl_s = 60;  // hidden test knob
  bool oauth_private_metadata_hosts = false;  // hidden test knob: client metadata on 127.0.0.1
  // --http limits against key guessing and abuse (cli/limit_options.hpp; "COUNT/SECONDS", 0: off).
  // Proxies whose X-Forwarded-Proto/-For count (addresses or CIDR ranges): by default a reverse
  // proxy on this host.
  std::string trusted_proxies = "127.0.0.1/8,::1";
  std::string limit_key_checks = "30/60";
  std::string limit_key_checks_global = "20/1";
  std::string limit_authorize = "60/60";
  std::string limit_token = "120/60";
  std::string limit_register = "60/60";
  int signin_attempts = 5;
  long refused_key_cache_s = 60;
  std::size_t limit_table_size = 10000;
  std::vector<std::string> allowed_redirect_hosts;  // beyond claude.ai, claude.com and loopback
  std::size_t cimd_fetch_threads = 4;               // client metadata documents fetched at once
  std::size_t cimd_per_host = 2;
  std::size_t cimd_waiters = 32;                    // sign-in pages waiting on fetches, in all
  // Hidden test knobs for the one-time key page (0: defaults of 10 minutes).
  long key_page_ttl_ms = 0;
  long elicitation_timeout_ms = 0;
};

int run_serve(const ServeOptions& options);

}  // namespace fini::cli
