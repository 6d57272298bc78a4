// `fini-mcp export TOOL --out FILE`: the exporter of the `export` tool, driven from a shell, with
// a checkpoint file so an interrupted run resumes instead of starting over.
#include <spdlog/spdlog.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli_context.hpp"
#include "cli/tool_commands.hpp"
#include "common/signals.hpp"
#include "export/exporter.hpp"
#include "export/window_dates.hpp"

namespace fini::cli {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The checkpoint, replaced atomically after every page (temp file, fsync, rename): a kill at any
// instant leaves either the previous checkpoint or the new one, never a torn one.
class CheckpointFile {
 public:
  explicit CheckpointFile(fs::path path) : path_(std::move(path)) {}
  const fs::path& path() const { return path_; }

  json load() const {
    std::ifstream in(path_);
    if (!in) return nullptr;
    std::stringstream text;
    text << in.rdbuf();
    json j = json::parse(text.str(), nullptr, false);
    return j.is_object() ? j : json(nullptr);
  }
  Status save(const json& checkpoint) const {
    const fs::path temp = path_.string() + ".tmp";
    const std::string text = checkpoint.dump();
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return unavailable("cannot write " + temp.string());
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!written || ::rename(temp.c_str(), path_.c_str()) != 0) return unavailable("cannot write " + path_.string());
    return {};
  }
  void remove() const {
    std::error_code ec;
    fs::remove(path_, ec);
  }

 private:
  fs::path path_;
};

// Progress on stderr: a redrawn bar on a terminal, one plain line per page otherwise (logs, cron
// mail). For windowed tools the bar is the share of the time range already walked, taken from
// the oldest item of the page (Fini walks newest first).
class ProgressPrinter {
 public:
  enum class Mode { kBar, kLines, kNone };
  ProgressPrinter(Mode mode, std::string time_field) : mode_(mode), time_field_(std::move(time_field)) {}

  void page(const exporting::PageEvent& page) {
    if (mode_ == Mode::kNone) return;
    const std::string text = exporting::progress_message(page);
    if (mode_ == Mode::kLines) {
      std::cerr << "export: " << text << "\n";
      return;
    }
    const auto fraction = walked(page);
    std::string bar;
    if (fraction) {
      const int filled = static_cast<int>(*fraction * 30.0);
      bar = "[" + std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(30 - filled), '.') +
            "] " + std::to_string(static_cast<int>(*fraction * 100.0)) + "% ";
    }
    draw(bar, text);
  }
  // Ends the bar's line so later messages start on their own; a complete export shows 100%
  // (the oldest row is rarely exactly at the start of the range).
  void finish(bool complete) {
    if (!drawn_) return;
    if (complete && !bar_.empty()) draw("[" + std::string(30, '#') + "] 100% ", text_);
    std::cerr << "\n";
    drawn_ = false;
  }

 private:
  std::optional<double> walked(const exporting::PageEvent& page) {
    if (!page.range_since || !page.range_until || *page.range_until <= *page.range_since) return std::nullopt;
    std::optional<std::int64_t> oldest;
    for (const auto& item : page.items) {
      auto t = item.is_object() && !time_field_.empty() ? item.find(time_field_) : item.end();
      if (t != item.end() && t->is_number_integer() && (!oldest || t->get<std::int64_t>() < *oldest)) {
        oldest = t->get<std::int64_t>();
      }
    }
    if (oldest) {
      const double span = static_cast<double>(*page.range_until - *page.range_since);
      fraction_ = std::clamp(static_cast<double>(*page.range_until - *oldest) / span, fraction_, 1.0);
    }
    return fraction_;  // an empty page (a quiet window) keeps the bar where it was
  }

  void draw(const std::string& bar, const std::string& text) {
    std::cerr << "\r\033[K" << bar << text << std::flush;
    bar_ = bar;
    text_ = text;
    drawn_ = true;
  }

  Mode mode_;
  std::string time_field_;
  std::string bar_, text_;
  bool drawn_ = false;
  double fraction_ = 0.0;
};

Result<ProgressPrinter::Mode> progress_mode(const std::string& name) {
  if (name == "auto") return ::isatty(STDERR_FILENO) ? ProgressPrinter::Mode::kBar : ProgressPrinter::Mode::kLines;
  if (name == "bar") return ProgressPrinter::Mode::kBar;
  if (name == "lines") return ProgressPrinter::Mode::kLines;
  if (name == "none") return ProgressPrinter::Mode::kNone;
  return invalid_argument("--progress must be auto, bar, lines or none");
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The request from the command line: tool, arguments, format (from --format or the --out
// extension), fields, and the .partial path the rows go to.
Result<exporting::ExportRequest> make_request(const ExportCommandOptions& o, const exporting::ExportToolProvider& provider) {
  const tools::PagingSpec* spec = provider.paging(o.tool);
  if (spec == nullptr) {
    return invalid_argument("'" + o.tool + "' cannot be exported; pageable tools: " + provider.pageable_names());
  }
  exporting::ExportRequest request;
  request.tool = o.tool;
  request.spec = *spec;
  auto args = parse_arg_pairs(o.args);
  if (!args.ok()) return args.status();
  request.arguments = std::move(*args);
  if (Status dates = exporting::read_window_dates(request); !dates.ok()) return dates;
  std::string format = o.format;
  if (format.empty()) {
    const std::string ext = fs::path(o.out).extension().string();
    format = ext == ".csv" || ext == ".sqlite" ? ext.substr(1) : "jsonl";
  }
  auto parsed = exporting::parse_format(format);
  if (!parsed.ok()) return parsed.status();
  request.format = *parsed;
  request.fields = o.fields;
  request.path = o.out + ".partial";
  request.now_ms = now_ms();
  return request;
}

// The checkpoint to resume from, or null to start over. A checkpoint without its .partial file
// (removed by hand) cannot be resumed; one for another export is the user's to remove.
Result<json> resume_point(const CheckpointFile& checkpoint, const exporting::ExportRequest& request) {
  json saved = checkpoint.load();
  std::error_code ec;
  if (saved.is_null() || !fs::exists(request.path, ec)) return json(nullptr);
  if (saved.value("request", json()) != exporting::request_fingerprint(request)) {
    return failed_precondition(checkpoint.path().string() + " belongs to a different export (tool, arguments, format " +
                               "or fields); rerun that command to finish it, or remove " + checkpoint.path().string() +
                               " and " + request.path.string() + " to start over");
  }
  return saved;
}

int finish(const Result<exporting::ExportOutcome>& outcome, const exporting::ExportRequest& request,
           const ExportCommandOptions& o, const CheckpointFile& checkpoint, bool interrupted) {
  if (!outcome.ok()) {
    const bool cancelled = outcome.status().code() == Code::kCancelled || interrupted;
    std::cerr << "fini-mcp export: " << (cancelled ? "interrupted" : outcome.status().message());
    std::error_code ec;
    if (fs::exists(checkpoint.path(), ec)) {
      std::cerr << "; rows so far are in " << request.path.string() << " (not complete); run the same command again to resume";
    }
    std::cerr << "\n";
    return cancelled ? 130 : 1;
  }
  std::error_code ec;
  fs::rename(request.path, o.out, ec);
  if (ec) {
    std::cerr << "fini-mcp export: cannot rename " << request.path.string() << " to " << o.out << ": " << ec.message() << "\n";
    return 1;
  }
  checkpoint.remove();
  json summary = outcome->summary;
  summary["file"] = o.out;
  summary["format"] = exporting::format_name(request.format);
  summary["bytes"] = fs::file_size(o.out, ec);
  std::cout << summary.dump() << std::endl;
  return 0;
}

}  // namespace

int run_export_command(const ServeOptions& serve, const ExportCommandOptions& o) {
  sigset_t signals = block_termination_signals();  // before any thread starts
  auto mode = progress_mode(o.progress);
  if (!mode.ok()) {
    std::cerr << "fini-mcp export: " << mode.status().message() << "\n";
    return 2;
  }
  int exit_code = 0;
  auto core = build_keyed_core(serve, "export", &exit_code);
  if (!core) return exit_code;
  auto request = make_request(o, *core->export_tools);
  const CheckpointFile checkpoint(o.out + ".checkpoint");
  auto resume = request.ok() ? resume_point(checkpoint, *request) : Result<json>(request.status());
  if (!resume.ok()) {
    std::cerr << "fini-mcp export: " << resume.status().message() << "\n";
    return 2;
  }
  if (resume->is_null()) {
    // Starting over: a stale .partial (killed before its first checkpoint) may hold rows of
    // another export, which SQLite would otherwise keep next to the new ones.
    std::error_code ec;
    fs::remove(request->path, ec);
    fs::remove(request->path.string() + "-journal", ec);
  } else {
    std::cerr << "fini-mcp export: resuming from " << checkpoint.path().string() << " ("
              << resume->value("pager", json::object()).value("rows", 0) << " rows already written)\n";
  }

  CliContext ctx;
  std::atomic<bool> interrupted{false};
  SignalWatcher watcher(signals, [&ctx, &interrupted](int count, int) {
    if (count > 1) std::_Exit(130);  // the checkpoint is consistent at any instant
    interrupted = true;
    ctx.cancel("interrupted");
  });
  ProgressPrinter printer(*mode, request->spec.time_field);
  exporting::ExportHooks hooks;
  hooks.cancelled = [&ctx] { return ctx.cancelled(); };
  hooks.on_page = [&printer](const exporting::PageEvent& page) { printer.page(page); };
  hooks.on_checkpoint = [&checkpoint](const json& state) {
    if (auto s = checkpoint.save(state); !s.ok()) spdlog::warn("{}; this export cannot resume from here", s.message());
  };
  tools::FiniToolProvider& fini_tools = *core->fini_tools;
  exporting::FetchPage fetch = [&](const json& args) { return fini_tools.call_structured(o.tool, args, ctx); };
  auto outcome = exporting::run_export(*request, fetch, hooks, *resume);
  printer.finish(outcome.ok());
  return finish(outcome, *request, o, checkpoint, interrupted);
}

}  // namespace fini::cli
