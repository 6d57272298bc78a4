#pragma once
// `fini-mcp call TOOL` and `fini-mcp export TOOL`: one tool call, or one export to a file, from a
// shell or cron. Both build the same ServerCore as `serve` (manifests, key resolution, REST
// client with retries), so what works through a client works the same here. The key is never
// taken from argv and never printed.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/serve.hpp"
#include "common/status.hpp"

namespace fini::cli {

struct CallCommandOptions {
  std::string tool;
  std::vector<std::string> args;  // "name=value"
  bool yes = false;               // --yes/--no-confirm: destructive tools run without asking
};

struct ExportCommandOptions {
  std::string tool;
  std::vector<std::string> args;  // "name=value"
  std::string format;             // empty: from the --out extension
  std::string out;
  std::vector<std::string> fields;
  std::string progress = "auto";  // auto (bar on a TTY), bar, lines, none
  std::string since, until;       // "150d", "12h", "2026-06-01", epoch ms; empty: the tool's default
  bool resume = false;            // continue the checkpointed export whatever the arguments
  bool restart = false;           // drop the checkpoint and start over
};

// export's own options (tool, --arg, --out, --format, --fields, --since/--until, --resume,
// --restart, --progress).
void add_export_options(CLI::App* cmd, ExportCommandOptions& options);

// `--arg name=value` pairs as a tool's arguments: the value is JSON when it parses as JSON
// (7, true, null, [..], {..}, "quoted"), otherwise the text as a string. A name given twice is
// an error rather than a silent overwrite.
Result<nlohmann::json> parse_arg_pairs(const std::vector<std::string>& pairs);

// Prints the result's structuredContent (else its text) on stdout; exit 1 on isError (its text
// on stderr), 2 on usage or configuration problems.
int run_call_command(const ServeOptions& serve, const CallCommandOptions& options);

// Pages through TOOL into --out. While running: OUT.partial and OUT.checkpoint beside it; an
// interrupted export (SIGINT, SIGTERM, a crash, a failure after retries) resumes from the
// checkpoint when the same command runs again. Exit 0 with the summary on stdout; 130 when
// interrupted by a signal; 1 on failure; 2 on usage problems.
int run_export_command(const ServeOptions& serve, const ExportCommandOptions& options);

}  // namespace fini::cli
