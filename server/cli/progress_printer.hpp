#pragma once
// Export progress on stderr: a redrawn bar on a terminal, one plain line per page otherwise
// (logs, cron mail). For windowed tools the bar is the share of the time range already walked,
// taken from the oldest item of the page (Fini walks newest first). While the bar is up, log
// records clear its line, print, and redraw it (LogLinesAboveBar), so neither lands on the other.

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <spdlog/sinks/sink.h>

#include "export/pager.hpp"

namespace fini::cli {

class ProgressPrinter {
 public:
  enum class Mode { kBar, kLines, kNone };
  ProgressPrinter(Mode mode, std::string time_field) : mode_(mode), time_field_(std::move(time_field)) {}

  void page(const exporting::PageEvent& page);
  // Ends the bar's line so later messages start on their own; a complete export shows 100%.
  void finish(bool complete);
  // Around a log record: clear the bar's line, then draw it again below the record.
  void hide();
  void show();

 private:
  std::optional<double> walked(const exporting::PageEvent& page);
  void draw(const std::string& bar, const std::string& text);  // mutex_ held

  Mode mode_;
  std::string time_field_;
  std::mutex mutex_;
  std::string bar_, text_;
  bool drawn_ = false;
  double fraction_ = 0.0;
};

// While alive, the default logger's stderr sink is wrapped so records go above the bar.
class LogLinesAboveBar {
 public:
  explicit LogLinesAboveBar(ProgressPrinter& printer);
  ~LogLinesAboveBar();
  LogLinesAboveBar(const LogLinesAboveBar&) = delete;
  LogLinesAboveBar& operator=(const LogLinesAboveBar&) = delete;

 private:
  spdlog::sink_ptr original_;
};

}  // namespace fini::cli
