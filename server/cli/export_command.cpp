// `fini-mcp export TOOL --out FILE`: the exporter of the `export` tool, driven from a shell, with
// a checkpoint file so an interrupted run resumes instead of starting over.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "cli/cli_context.hpp"
#include "cli/export_checkpoint.hpp"
#include "cli/network_hints.hpp"
#include "cli/progress_printer.hpp"
#include "cli/time_spec.hpp"
#include "cli/tool_catalog.hpp"
#include "cli/tool_commands.hpp"
#include "common/signals.hpp"
#include "export/exporter.hpp"
#include "export/window_dates.hpp"

namespace fini::cli {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<ProgressPrinter::Mode> progress_mode(const std::string& name) {
  if (name == "auto") return ::isatty(STDERR_FILENO) ? ProgressPrinter::Mode::kBar : ProgressPrinter::Mode::kLines;
  if (name == "bar") return ProgressPrinter::Mode::kBar;
  if (name == "lines") return ProgressPrinter::Mode::kLines;
  if (name == "none") return ProgressPrinter::Mode::kNone;
  return invalid_argument("--progress must be auto, bar, lines or none");
}

// The format from --out's extension; --format may only repeat it (or name one for a file
// without an extension). Anything else is refused rather than written as JSONL under that name.
Result<exporting::Format> output_format(const ExportCommandOptions& o) {
  static const std::map<std::string, std::string> kByExtension = {
      {".jsonl", "jsonl"}, {".ndjson", "jsonl"}, {".csv", "csv"}, {".sqlite", "sqlite"}, {".db", "sqlite"}};
  const std::string ext = fs::path(o.out).extension().string();
  const auto known = kByExtension.find(ext);
  const std::string formats = "jsonl (.jsonl, .ndjson), csv (.csv), sqlite (.sqlite, .db)";
  if (known == kByExtension.end() && !(ext.empty() && !o.format.empty())) {
    return invalid_argument("cannot export to '" + o.out +
                            "': " + (ext.empty() ? "no extension" : "'" + ext + "' is not a format this writes") +
                            "; formats: " + formats);
  }
  if (!o.format.empty() && known != kByExtension.end() && o.format != known->second) {
    return invalid_argument("--format " + o.format + " contradicts --out " + o.out + " (a " + known->second +
                            " name); formats: " + formats);
  }
  return exporting::parse_format(o.format.empty() ? known->second : o.format);
}

// --since/--until into the tool's window arguments (relative ones counted from now).
Status apply_window(const ExportCommandOptions& o, exporting::ExportRequest& request) {
  if (o.since.empty() && o.until.empty()) return {};
  if (!request.spec.window) return invalid_argument("--since/--until: " + o.tool + " has no time window");
  const std::pair<const std::string*, std::string> ends[] = {{&o.since, request.spec.window->since_arg},
                                                             {&o.until, request.spec.window->until_arg}};
  for (const auto& [text, arg] : ends) {
    if (text->empty()) continue;
    if (request.arguments.contains(arg))
      return invalid_argument("give the window once: --arg " + arg + " or --since/--until");
    auto ms = parse_time_spec(*text, request.now_ms);
    if (!ms.ok()) return ms.status();
    request.arguments[arg] = *ms;
  }
  return {};
}

// The request from the command line: tool, arguments, window, format, fields, and the .partial
// path the rows go to.
Result<exporting::ExportRequest> make_request(const ExportCommandOptions& o,
                                              const exporting::ExportToolProvider& provider) {
  const tools::PagingSpec* spec = provider.paging(o.tool);
  if (spec == nullptr) {
    std::vector<std::string> pageable;
    std::stringstream names(provider.pageable_names());
    for (std::string name; std::getline(names, name, ',');)
      pageable.push_back(name.substr(name.find_first_not_of(' ')));
    return invalid_argument("'" + o.tool + "' cannot be exported" + did_you_mean(o.tool, pageable) +
                            "; pageable tools: " + provider.pageable_names());
  }
  exporting::ExportRequest request;
  request.tool = o.tool;
  request.spec = *spec;
  auto args = parse_arg_pairs(o.args);
  if (!args.ok()) return args.status();
  request.arguments = std::move(*args);
  if (Status dates = exporting::read_window_dates(request); !dates.ok()) return dates;
  auto format = output_format(o);
  if (!format.ok()) return format.status();
  request.format = *format;
  request.fields = o.fields;
  request.path = o.out + ".partial";
  request.now_ms = now_ms();
  if (auto s = apply_window(o, request); !s.ok()) return s;
  return request;
}

// The command as typed: what a rerun of the same lines repeats exactly.
json asked_form(const ExportCommandOptions& o) {
  return {{"tool", o.tool},   {"args", o.args},     {"since", o.since},
          {"until", o.until}, {"format", o.format}, {"fields", o.fields}};
}

int finish(const Result<exporting::ExportOutcome>& outcome, const exporting::ExportRequest& request,
           const ExportCommandOptions& o, const CheckpointFile& checkpoint, bool interrupted) {
  if (!outcome.ok()) {
    const bool cancelled = outcome.status().code() == Code::kCancelled || interrupted;
    std::cerr << "fini-mcp export: "
              << (cancelled ? "interrupted" : outcome.status().message() + network_hint(outcome.status().message()));
    std::error_code ec;
    if (fs::exists(checkpoint.path(), ec)) {
      std::cerr << "; rows so far are in " << request.path.string()
                << " (not complete); run the same command again to resume";
    }
    std::cerr << "\n";
    return cancelled ? 130 : 1;
  }
  std::error_code ec;
  fs::rename(request.path, o.out, ec);
  if (ec) {
    std::cerr << "fini-mcp export: cannot rename " << request.path.string() << " to " << o.out << ": " << ec.message()
              << "\n";
    return 1;
  }
  checkpoint.remove();
  json summary = outcome->summary;
  summary["file"] = o.out;
  summary["format"] = exporting::format_name(request.format);
  summary["bytes"] = fs::file_size(o.out, ec);
  if (auto left = summary.find("leftOut"); left != summary.end() && !left->empty()) {
    std::cerr << "fini-mcp export: not in " << o.out << ": " << summary.value("leftOutNote", "") << "\n";
  }
  std::cout << summary.dump() << std::endl;
  return 0;
}

}  // namespace

void add_export_options(CLI::App* cmd, ExportCommandOptions& exp) {
  cmd->add_option("tool", exp.tool, "pageable list tool, e.g. list_conversations")->required();
  cmd->add_option("--out", exp.out,
                  "output file: .jsonl/.ndjson, .csv, .sqlite/.db (OUT.partial and OUT.checkpoint sit "
                  "beside it while running)")
      ->required();
  cmd->add_option("--since", exp.since,
                  "start of the window: 150d, 12h, 2w back from now, 2026-06-01, "
                  "2026-06-01T12:00:00Z or epoch ms (default: the tool's)");
  cmd->add_option("--until", exp.until, "end of the window, same forms (default: now)");
  cmd->add_option("--arg", exp.args,
                  "argument name=value; the value is JSON when it parses as JSON, else a string (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--format", exp.format, "jsonl, csv or sqlite; must agree with the --out extension");
  cmd->add_option("--fields", exp.fields, "only these top-level fields (comma-separated)")->delimiter(',');
  cmd->add_flag("--resume", exp.resume, "finish the export saved in OUT.checkpoint, whatever the arguments");
  cmd->add_flag("--restart", exp.restart, "drop OUT.checkpoint and OUT.partial and start over");
  cmd->add_option("--progress", exp.progress, "auto (a bar on a terminal, else lines), bar, lines or none")
      ->capture_default_str();
}

int run_export_command(const ServeOptions& serve, const ExportCommandOptions& o) {
  sigset_t signals = block_termination_signals();  // before any thread starts
  auto mode = progress_mode(o.progress);
  if (!mode.ok() || (o.resume && o.restart)) {
    std::cerr << "fini-mcp export: "
              << (mode.ok() ? "--resume and --restart contradict each other" : mode.status().message()) << "\n";
    return 2;
  }
  int exit_code = 0;
  auto core = build_keyed_core(serve, "export", &exit_code);
  if (!core) return exit_code;
  auto request = make_request(o, *core->export_tools);
  const CheckpointFile checkpoint(o.out + ".checkpoint");
  const json asked = asked_form(o);
  auto decision = request.ok() ? decide_resume(checkpoint, *request, asked, ResumeChoice{false, o.restart, o.resume})
                               : Result<ResumeDecision>(request.status());
  if (!decision.ok()) {
    std::cerr << "fini-mcp export: " << decision.status().message() << "\n";
    return 2;
  }
  if (decision->checkpoint.is_null()) {
    // Starting over: a stale .partial (killed before its first checkpoint, or --restart) may hold
    // rows of another export, which SQLite would otherwise keep next to the new ones.
    std::error_code ec;
    fs::remove(request->path, ec);
    fs::remove(request->path.string() + "-journal", ec);
    checkpoint.remove();
  } else {
    std::cerr << "fini-mcp export: " << decision->note << "\n";
  }

  CliContext ctx;
  std::atomic<bool> interrupted{false};
  SignalWatcher watcher(signals, [&ctx, &interrupted](int count, int) {
    if (count > 1) std::_Exit(130);  // the checkpoint is consistent at any instant
    interrupted = true;
    ctx.cancel("interrupted");
  });
  ProgressPrinter printer(*mode, request->spec.time_field);
  std::optional<LogLinesAboveBar> above_bar;
  if (*mode == ProgressPrinter::Mode::kBar) above_bar.emplace(printer);
  exporting::ExportHooks hooks;
  hooks.cancelled = [&ctx] { return ctx.cancelled(); };
  hooks.on_page = [&printer](const exporting::PageEvent& page) { printer.page(page); };
  const std::int64_t started_at = decision->started_at_ms;
  hooks.on_checkpoint = [&checkpoint, &asked, started_at](json state) {
    state["asked"] = asked;
    state["startedAt"] = started_at;
    if (auto s = checkpoint.save(state); !s.ok()) spdlog::warn("{}; this export cannot resume from here", s.message());
  };
  tools::FiniToolProvider& fini_tools = *core->fini_tools;
  exporting::FetchPage fetch = [&](const json& args) { return fini_tools.call_structured(o.tool, args, ctx); };
  auto outcome = exporting::run_export(*request, fetch, hooks, decision->checkpoint);
  printer.finish(outcome.ok());
  above_bar.reset();
  return finish(outcome, *request, o, checkpoint, interrupted);
}

}  // namespace fini::cli
