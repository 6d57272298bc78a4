#include "cli/app.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/doctor.hpp"
#include "cli/login.hpp"
#include "cli/paths.hpp"
#include "cli/serve.hpp"
#include "cli/tool_commands.hpp"
#include "common/logging.hpp"
#include "common/version.hpp"
#include "rest/redact.hpp"
#include "tools/manifest.hpp"

namespace fini::cli {

namespace {

int run_check(const std::string& dir_arg) {
  std::filesystem::path dir = dir_arg;
  if (dir.empty()) {
    auto found = find_data_dir("manifests");
    if (!found) {
      std::cerr << "fini-mcp check: no manifests directory found; pass one: fini-mcp check DIR\n";
      return 2;
    }
    dir = *found;
  }
  auto loaded = tools::load_manifests(dir);
  for (const auto& issue : loaded.issues) std::cerr << tools::format_issue(issue) << "\n";
  if (!loaded.issues.empty()) {
    std::cerr << "fini-mcp check: " << loaded.issues.size() << " problem(s) in " << dir.string() << "\n";
    return 2;
  }
  std::cout << "fini-mcp check: " << loaded.manifests.size() << " manifests OK in " << dir.string() << "\n";
  return 0;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"fini-mcp: the Fini AI support platform as MCP tools for Claude"};
  app.set_version_flag("--version", std::string(kVersion));
  app.require_subcommand(0, 1);

  ServeOptions serve;
  std::string log_level = "warning";
  std::string log_file;
  app.add_option("--log-level", log_level, "stderr log level (debug, info, warning, error, off)")->capture_default_str();
  app.add_option("--log-file", log_file, "write logs to this file instead of stderr");

  auto add_serve_options = [&](CLI::App* cmd) {
    cmd->add_option("--manifests", serve.manifests_dir, "tool manifest directory (default: installed manifests)");
    cmd->add_flag_callback("--no-export-tools", [&serve] { serve.export_tools = false; }, "do not serve export and query_export (never served on --http: they write files on the server)");
    cmd->add_option("--exports-dir", serve.exports_dir, "where export writes files (default $XDG_DATA_HOME/fini-mcp/exports)");
    cmd->add_option("--skills", serve.skills_dir, "skills directory served as prompts/resources (default: installed skills)");
    cmd->add_option("--base-url", serve.base_url, "Fini API base URL (env FINI_BASE_URL; default https://api-prod.usefini.com)");
    cmd->add_option("--ca-file", serve.ca_file, "PEM CA bundle for TLS verification (default: system CAs)");
    cmd->add_option("--api-key-file", serve.api_key_file, "read the Fini API key from this file (mode 0600)");
    cmd->add_option("--profile", serve.profile, "stored key profile (env FINI_PROFILE; default 'default')");
    cmd->add_option("--toolsets", serve.toolsets, "only these toolsets (comma-separated)")->delimiter(',');
    cmd->add_option("--tools", serve.tools, "only these tools (comma-separated)")->delimiter(',');
    cmd->add_option("--exclude-tools", serve.exclude, "hide these tools (comma-separated)")->delimiter(',');
    cmd->add_flag("--read-only", serve.read_only, "hide write tools and refuse non-read requests");
    cmd->add_flag("--show-all-tools", serve.show_all, "list write tools even for a read-only key");
    cmd->add_flag("--no-confirm", serve.no_confirm, "run destructive tools without asking the user first (automation; env FINI_NO_CONFIRM=1)");
    cmd->add_flag("--sandbox", serve.sandbox, "serve against an embedded Fini sandbox (no key needed)");
    cmd->add_option("--workers", serve.workers, "concurrent tool calls (and pooled upstream connections)")
        ->capture_default_str()->check(CLI::Range(1, 4096));
    cmd->add_option("--drain-ms", serve.drain_ms, "on shutdown, how long running calls may still finish")
        ->capture_default_str()->check(CLI::Range(0L, 600000L));
    cmd->add_option("--call-timeout-ms", serve.call_timeout_ms,
                    "total deadline of one Fini call including retries (manifests may override)")
        ->capture_default_str()->check(CLI::Range(100L, 3600000L));
    cmd->add_option("--result-budget", serve.result_budget, "largest tool result in bytes of JSON (trimmed with a note beyond)")
        ->capture_default_str()->check(CLI::Range(static_cast<std::size_t>(4096), static_cast<std::size_t>(16u << 20)));
    cmd->add_option("--page-size", serve.page_size, "list page size (0: everything in one page)")->capture_default_str();
    cmd->add_option("--max-line-bytes", serve.max_line_bytes, "longest accepted JSON-RPC line")->capture_default_str();
    cmd->add_option("--connect-timeout-ms", serve.connect_timeout_ms, "HTTP connect timeout")->capture_default_str();
    cmd->add_option("--read-timeout-ms", serve.read_timeout_ms, "HTTP read timeout (manifests may override)")->capture_default_str();
    cmd->add_option("--http", serve.http,
                    "serve MCP over Streamable HTTP on [HOST:]PORT (HOST default 127.0.0.1) instead of stdio; "
                    "each request carries its key as Authorization: Bearer");
    cmd->add_option("--allowed-origins", serve.allowed_origins, "browser Origins allowed on --http (comma-separated; default none)")
        ->delimiter(',');
    cmd->add_option("--tls-cert", serve.tls_cert, "PEM certificate chain: serve --http over HTTPS");
    cmd->add_option("--tls-key", serve.tls_key, "PEM private key for --tls-cert");
    cmd->add_option("--max-in-flight", serve.max_in_flight, "--http: requests served at once; beyond, 503 + Retry-After")
        ->capture_default_str()->check(CLI::Range(static_cast<std::size_t>(1), static_cast<std::size_t>(4096)));
    cmd->add_option("--http-threads", serve.http_threads, "--http: connection threads (default max-in-flight + 32)");
    cmd->add_option("--max-body-bytes", serve.max_body_bytes, "--http: largest request body (413 beyond)")->capture_default_str();
    cmd->add_flag("--anonymous-discovery", serve.anonymous_discovery,
                  "--http: answer initialize/ping/lists without a key (tools/call always needs one)");
    cmd->add_flag("--no-access-log", serve.no_access_log, "--http: no JSON access-log line per request on stderr");
    cmd->add_flag("--no-oauth", serve.no_oauth,
                  "--http: no OAuth sign-in (claude.ai/Desktop Connectors); only raw `Bearer fini_…` keys");
    cmd->add_option("--token-secret-file", serve.token_secret_file,
                    "--http: file (mode 0600) of OAuth sealing secrets, one per line, newest first; share it "
                    "between replicas (default: an ephemeral secret, tokens die with the process)");
    cmd->add_option("--public-url", serve.public_url,
                    "--http: this server's public origin, e.g. https://mcp.example.com (default: from each request's Host)");
    cmd->add_option("--access-token-ttl", serve.access_token_ttl_s, "--http: OAuth access token lifetime, seconds")
        ->capture_default_str()->check(CLI::Range(1L, 7L * 24 * 3600));
    cmd->add_option("--refresh-token-ttl", serve.refresh_token_ttl_s, "--http: OAuth refresh token lifetime, seconds")
        ->capture_default_str()->check(CLI::Range(60L, 365L * 24 * 3600));
    cmd->add_option("--auth-code-ttl", serve.auth_code_ttl_s)->group("")->check(CLI::Range(1L, 600L));
    cmd->add_flag("--oauth-private-metadata-hosts", serve.oauth_private_metadata_hosts)->group("");
    // Test knobs (hidden: empty group): how long the one-time key page link and the
    // elicitation wait last.
    cmd->add_option("--key-page-ttl-ms", serve.key_page_ttl_ms)->group("");
    cmd->add_option("--elicitation-timeout-ms", serve.elicitation_timeout_ms)->group("");
  };
  auto* serve_cmd = app.add_subcommand("serve", "run the MCP server on stdio (the default)");
  add_serve_options(serve_cmd);

  // call/export take the serve options too: same manifests, surface, key resolution and client.
  CallCommandOptions call;
  auto* call_cmd = app.add_subcommand("call", "call one tool and print its JSON result (exit 1 on isError)");
  call_cmd->add_option("tool", call.tool, "tool name, as in tools/list")->required();
  call_cmd->add_option("--arg", call.args, "argument name=value; the value is JSON when it parses as JSON, else a string (repeatable)")
      ->allow_extra_args(false);
  add_serve_options(call_cmd);
  ExportCommandOptions exp;
  auto* export_cmd = app.add_subcommand("export", "page through a list tool into a file (resumable; rerun to resume)");
  export_cmd->add_option("tool", exp.tool, "pageable list tool, e.g. list_conversations")->required();
  export_cmd->add_option("--arg", exp.args, "argument name=value; the value is JSON when it parses as JSON, else a string (repeatable)")
      ->allow_extra_args(false);
  export_cmd->add_option("--format", exp.format, "jsonl, csv or sqlite (default: from the --out extension, else jsonl)");
  export_cmd->add_option("--out", exp.out, "output file; OUT.partial and OUT.checkpoint sit beside it while running")->required();
  export_cmd->add_option("--fields", exp.fields, "only these top-level fields (comma-separated)")->delimiter(',');
  export_cmd->add_option("--progress", exp.progress, "auto (a bar on a terminal, else lines), bar, lines or none")
      ->capture_default_str();
  add_serve_options(export_cmd);

  DoctorOptions doctor;
  auto* doctor_cmd = add_doctor_command(app, doctor);
  add_serve_options(doctor_cmd);

  std::string check_dir;
  auto* check_cmd = app.add_subcommand("check", "lint tool manifests (exit 2 on any problem)");
  check_cmd->add_option("dir", check_dir, "manifest directory (default: installed manifests)");

  LoginOptions login;
  auto* login_cmd = app.add_subcommand("login", "store a Fini API key (read with echo off, or from a pipe) after checking it");
  login_cmd->add_option("--profile", login.profile, "profile name (env FINI_PROFILE; default 'default')");
  login_cmd->add_option("--base-url", login.base_url, "Fini API base URL (env FINI_BASE_URL; default https://api-prod.usefini.com)");
  login_cmd->add_option("--ca-file", login.ca_file, "PEM CA bundle for TLS verification (default: system CAs)");
  std::string logout_profile, whoami_profile;
  auto* logout_cmd = app.add_subcommand("logout", "remove a stored key");
  logout_cmd->add_option("--profile", logout_profile, "profile name (env FINI_PROFILE; default 'default')");
  auto* whoami_cmd = app.add_subcommand("whoami", "show the stored profile: base URL, masked key, scopes");
  whoami_cmd->add_option("--profile", whoami_profile, "profile name (env FINI_PROFILE; default 'default')");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);  // help/version → 0 on stdout; usage errors → stderr
  }

  try {
    setup_logging(LogOptions{log_level, log_file}, [](std::string_view text) { return rest::redact(text); });
  } catch (const std::exception& e) {
    std::cerr << "fini-mcp: cannot open the log: " << e.what() << "\n";
    return 2;
  }

  if (*check_cmd) return run_check(check_dir);
  if (*call_cmd) {
    // The output goes to a shell, not a model: no 48 KB budget unless asked for.
    if (call_cmd->count("--result-budget") == 0) serve.result_budget = 16u << 20;
    return run_call_command(serve, call);
  }
  if (*export_cmd) return run_export_command(serve, exp);
  if (*doctor_cmd) return run_doctor(serve, doctor);
  if (*login_cmd) return run_login(login);
  if (*logout_cmd) return run_logout(logout_profile);
  if (*whoami_cmd) return run_whoami(whoami_profile);
  if (*serve_cmd || app.get_subcommands().empty()) {
    if (app.get_subcommands().empty() && isatty(STDIN_FILENO)) {
      std::cerr << "fini-mcp is an MCP server: it speaks JSON-RPC on stdin/stdout and is started by an MCP "
                   "client (Claude Desktop, Claude Code, …).\nTry `fini-mcp --help`, `fini-mcp login`, or "
                   "`fini-mcp serve` to force serving on a terminal.\n";
      return 2;
    }
    return run_serve(serve);
  }
  return 0;
}

}  // namespace fini::cli
