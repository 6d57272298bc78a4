#include "cli/app.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/cli_options.hpp"
#include "cli/doctor.hpp"
#include "cli/limit_options.hpp"
#include "cli/login.hpp"
#include "cli/paths.hpp"
#include "cli/serve.hpp"
#include "cli/tool_catalog.hpp"
#include "cli/tool_commands.hpp"
#include "common/logging.hpp"
#include "common/redact.hpp"
#include "common/version.hpp"
#include "rest/base_url.hpp"
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
  app.add_option("--log-level", log_level, "stderr log level (debug, info, warning, error, off)")
      ->capture_default_str();
  app.add_option("--log-file", log_file, "write logs to this file instead of stderr");

  auto* serve_cmd = app.add_subcommand("serve", "run the MCP server (the default command): stdio, or HTTP with --http");
  add_client_options(serve_cmd, serve);
  add_server_options(serve_cmd, serve);
  add_limit_options(*serve_cmd, serve);

  // call/export/tools build the same ServerCore as serve (manifests, surface, key, client) but
  // take only the options a one-shot command uses.
  CallCommandOptions call;
  auto* call_cmd = app.add_subcommand("call", "call one tool and print its JSON result (exit 1 on isError)");
  call_cmd
      ->add_option("tool", call.tool, "tool name (`fini-mcp tools` lists them; `call TOOL --help` shows its arguments)")
      ->required();
  call_cmd
      ->add_option("--arg", call.args,
                   "argument name=value; the value is JSON when it parses as JSON, else a string (repeatable)")
      ->allow_extra_args(false);
  call_cmd->add_flag("--yes,--no-confirm", call.yes,
                     "run a destructive tool without asking (needed when not on a terminal)");
  call_cmd->add_option("--exports-dir", serve.exports_dir,
                       "where the export tool writes and query_export reads (default $XDG_DATA_HOME/fini-mcp/exports)");
  add_client_options(call_cmd, serve);
  ExportCommandOptions exp;
  auto* export_cmd = app.add_subcommand("export", "page through a list tool into a file (resumable: rerun to resume)");
  add_export_options(export_cmd, exp);
  add_client_options(export_cmd, serve);
  ToolsCommandOptions list;
  auto* tools_cmd = app.add_subcommand("tools", "list the tools with their titles, grouped by toolset");
  tools_cmd->add_flag("--json", list.json, "one JSON document: [{name, title, toolset, destructive, readOnly}]");
  add_client_options(tools_cmd, serve);

  DoctorOptions doctor;
  auto* doctor_cmd = add_doctor_command(app, doctor);
  add_client_options(doctor_cmd, serve);

  std::string check_dir;
  auto* check_cmd = app.add_subcommand("check", "lint tool manifests (exit 2 on any problem)");
  check_cmd->add_option("dir", check_dir, "manifest directory (default: installed manifests)");

  LoginOptions login;
  auto* login_cmd =
      app.add_subcommand("login", "store a Fini API key (read with echo off, or from a pipe) after checking it");
  login_cmd->add_option("--profile", login.profile, "profile name (env FINI_PROFILE; default 'default')");
  login_cmd->add_option("--base-url", login.base_url,
                        std::string("Fini API base URL (env FINI_BASE_URL; default ") + rest::kProductionBaseUrl + ")");
  login_cmd->add_option("--ca-file", login.ca_file, "PEM CA bundle for TLS verification (default: system CAs)");
  std::string logout_profile, whoami_profile;
  auto* logout_cmd = app.add_subcommand("logout", "remove a stored key");
  logout_cmd->add_option("--profile", logout_profile, "profile name (env FINI_PROFILE; default 'default')");
  auto* whoami_cmd = app.add_subcommand("whoami", "show the stored profile: base URL, masked key, scopes");
  whoami_cmd->add_option("--profile", whoami_profile, "profile name (env FINI_PROFILE; default 'default')");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    // `call TOOL --help`: that tool's arguments, from its schema, instead of call's options.
    if (call_cmd->parsed() && !call.tool.empty()) return run_tool_help(serve, call.tool);
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);  // help/version → 0 on stdout; usage errors → stderr
  }

  try {
    setup_logging(LogOptions{log_level, log_file}, [](std::string_view text) { return redact(text); });
  } catch (const std::exception& e) {
    std::cerr << "fini-mcp: cannot open the log: " << e.what() << "\n";
    return 2;
  }

  serve.command_line = !(*serve_cmd) && !app.get_subcommands().empty();
  if (*check_cmd) return run_check(check_dir);
  if (*call_cmd) {
    serve.calls.result_budget = 16u << 20;  // the output goes to a shell, not a model: no 48 KB budget
    serve.no_confirm = call.yes;
    return run_call_command(serve, call);
  }
  if (*tools_cmd) return run_tools_command(serve, list);
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
