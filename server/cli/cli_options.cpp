#include "cli/cli_options.hpp"

#include "rest/base_url.hpp"

namespace fini::cli {

using std::chrono::milliseconds;
using std::chrono::seconds;

void add_client_options(CLI::App* cmd, ServeOptions& serve) {
  cmd->add_option("--base-url", serve.base_url,
                  std::string("Fini API base URL (env FINI_BASE_URL; default ") + rest::kProductionBaseUrl + ")");
  cmd->add_option("--api-key-file", serve.api_key_file, "read the Fini API key from this file (mode 0600)");
  cmd->add_option("--profile", serve.profile, "stored key profile (env FINI_PROFILE; default 'default')");
  cmd->add_option("--ca-file", serve.ca_file, "PEM CA bundle for TLS verification (default: system CAs)");
  cmd->add_option("--proxy", serve.proxy,
                  "HTTP proxy for Fini, http://[user:pass@]host:port (default: env HTTPS_PROXY; NO_PROXY honoured)");
  cmd->add_flag("--sandbox", serve.sandbox, "run against an embedded Fini sandbox (no key needed; env FINI_SANDBOX=1)");
  cmd->add_option("--manifests", serve.manifests_dir, "tool manifest directory (default: installed manifests)");
  cmd->add_option("--toolsets", serve.toolsets, "only these toolsets (comma-separated)")->delimiter(',');
  cmd->add_option("--tools", serve.tools, "only these tools (comma-separated)")->delimiter(',');
  cmd->add_option("--exclude-tools", serve.exclude, "hide these tools (comma-separated)")->delimiter(',');
  cmd->add_flag("--read-only", serve.read_only, "hide write tools and refuse non-read requests");
  add_duration_option<milliseconds>(cmd, "--call-timeout-ms", serve.calls.call_timeout,
                                    "total deadline of one Fini call including retries (manifests may override)")
      ->check(CLI::Range(100L, 3600000L));
  add_duration_option<milliseconds>(cmd, "--connect-timeout-ms", serve.upstream.connect_timeout,
                                    "HTTP connect timeout");
  add_duration_option<milliseconds>(cmd, "--read-timeout-ms", serve.upstream.read_timeout,
                                    "HTTP read timeout (manifests may override)");
}

namespace {

void add_http_options(CLI::App* cmd, ServeOptions& serve) {
  cmd->add_option("--http", serve.http,
                  "serve MCP over Streamable HTTP on [HOST:]PORT (HOST default 127.0.0.1) instead of stdio; "
                  "each request carries its key as Authorization: Bearer");
  cmd->add_option("--allowed-origins", serve.allowed_origins,
                  "browser Origins allowed on --http (comma-separated; default none)")
      ->delimiter(',');
  http::HttpOptions& listener = serve.listener;
  cmd->add_option("--tls-cert", listener.tls_cert, "PEM certificate chain: serve --http over HTTPS");
  cmd->add_option("--tls-key", listener.tls_key, "PEM private key for --tls-cert");
  cmd->add_option("--max-in-flight", listener.max_in_flight,
                  "--http: requests served at once; beyond, 503 + Retry-After")
      ->capture_default_str()
      ->check(CLI::Range(static_cast<std::size_t>(1), static_cast<std::size_t>(4096)));
  cmd->add_option("--http-threads", listener.threads, "--http: connection threads (default max-in-flight + 32)");
  cmd->add_option("--max-body-bytes", listener.max_body_bytes, "--http: largest request body (413 beyond)")
      ->capture_default_str();
  cmd->add_option("--request-timeout", listener.request_timeout_s,
                  "--http: seconds to receive one request, headers and body (408 beyond)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--legacy-confirm", serve.legacy_confirm,
                  "--http: a destructive call from a 2025-11-25 client, which cannot be asked: host (its own "
                  "approval prompt confirms) or refuse (answer how to confirm; nothing sent)")
      ->capture_default_str()
      ->check(CLI::IsMember({"host", "refuse"}));
  cmd->add_flag("--anonymous-discovery", listener.anonymous_discovery,
                "--http: answer initialize/ping/lists without a key (tools/call always needs one)");
  cmd->add_flag_callback(
      "--no-access-log", [&listener] { listener.access_log = false; },
      "--http: no JSON access-log line per request on stderr");
}

void add_oauth_options(CLI::App* cmd, ServeOptions& serve) {
  cmd->add_flag("--no-oauth", serve.no_oauth,
                "--http: no OAuth sign-in (claude.ai/Desktop Connectors); only raw `Bearer fini_…` keys");
  cmd->add_option("--token-secret-file", serve.token_secret_file,
                  "--http: file (mode 0600) of OAuth sealing secrets, one per line, newest first; share it "
                  "between replicas (default: an ephemeral secret, tokens die with the process)");
  cmd->add_option(
      "--public-url", serve.public_url,
      "--http: this server's public origin, e.g. https://mcp.example.com (default: from each request's Host)");
  add_duration_option<seconds>(cmd, "--access-token-ttl", serve.tokens.access_ttl,
                               "--http: OAuth access token lifetime, seconds")
      ->check(CLI::Range(1L, 7L * 24 * 3600));
  add_duration_option<seconds>(cmd, "--refresh-token-ttl", serve.tokens.refresh_ttl,
                               "--http: OAuth refresh token lifetime, seconds")
      ->check(CLI::Range(60L, 365L * 24 * 3600));
  add_duration_option<seconds>(cmd, "--auth-code-ttl", serve.tokens.code_ttl)->group("")->check(CLI::Range(1L, 600L));
  cmd->add_flag("--oauth-private-metadata-hosts", serve.oauth_private_metadata_hosts)->group("");
}

}  // namespace

void add_server_options(CLI::App* cmd, ServeOptions& serve) {
  cmd->add_flag_callback(
      "--no-export-tools", [&serve] { serve.export_tools = false; },
      "do not serve export and query_export (never served on --http: they write files on the server)");
  cmd->add_option("--exports-dir", serve.exports_dir,
                  "where export writes files (default $XDG_DATA_HOME/fini-mcp/exports)");
  cmd->add_option("--skills", serve.skills_dir,
                  "skills directory served as prompts/resources (default: installed skills)");
  cmd->add_flag("--show-all-tools", serve.show_all, "list write tools even for a read-only key");
  cmd->add_flag("--no-confirm", serve.no_confirm,
                "run destructive tools without asking the user first (automation; env FINI_NO_CONFIRM=1)");
  cmd->add_option("--workers", serve.session.workers, "concurrent tool calls (and pooled upstream connections)")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  add_duration_option<milliseconds>(cmd, "--drain-ms", serve.session.drain_timeout,
                                    "on shutdown, how long running calls may still finish")
      ->check(CLI::Range(0L, 600000L));
  cmd->add_option("--result-budget", serve.calls.result_budget,
                  "largest tool result in bytes of JSON (trimmed with a note beyond)")
      ->capture_default_str()
      ->check(CLI::Range(static_cast<std::size_t>(4096), static_cast<std::size_t>(16u << 20)));
  cmd->add_option("--page-size", serve.dispatch.page_size, "list page size (0: everything in one page)")
      ->capture_default_str();
  cmd->add_option("--max-line-bytes", serve.session.max_line_bytes, "longest accepted JSON-RPC line")
      ->capture_default_str();
  add_http_options(cmd, serve);
  add_oauth_options(cmd, serve);
  // Test knobs (hidden: empty group): how long the one-time key page link and the elicitation
  // wait last.
  add_duration_option<milliseconds>(cmd, "--key-page-ttl-ms", serve.key_page.ttl, {}, /*positive_only=*/true)
      ->group("");
  add_duration_option<milliseconds>(cmd, "--elicitation-timeout-ms", serve.elicitation_timeout, {},
                                    /*positive_only=*/true)
      ->group("");
}

}  // namespace fini::cli
