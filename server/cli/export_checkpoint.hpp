#pragma once
// The checkpoint of `fini-mcp export` (OUT.checkpoint) and the decision a rerun makes with it:
// continue the saved export, start over, or stop and ask. The checkpoint keeps the request as
// resolved (the window in epoch ms) and as typed (`--since 150d`), so a rerun of the same
// command resumes even though "150 days ago" has moved on since.

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.hpp"
#include "export/exporter.hpp"

namespace fini::cli {

// Replaced atomically after every page (temp file, fsync, rename): a kill at any instant leaves
// either the previous checkpoint or the new one, never a torn one.
class CheckpointFile {
 public:
  explicit CheckpointFile(std::filesystem::path path) : path_(std::move(path)) {}
  const std::filesystem::path& path() const { return path_; }
  nlohmann::json load() const;  // null when absent or unreadable
  Status save(const nlohmann::json& checkpoint) const;
  void remove() const;

 private:
  std::filesystem::path path_;
};

struct ResumeChoice {
  bool resume = false;       // true: request now carries the saved arguments and fields
  bool restart = false;      // the user asked to drop the checkpoint
  bool resume_only = false;  // --resume: continue whatever the arguments say
};

struct ResumeDecision {
  nlohmann::json checkpoint;       // null: start over
  std::int64_t started_at_ms = 0;  // when the export (first run) began
  std::string note;                // for stderr, empty when starting fresh
};

// `asked` is the command as typed (tool, --arg pairs, --since/--until text, format, fields).
// Resumes when the saved export was asked the same way, or differs only in window arguments
// that moved by no more than the time since it began (a shell-computed "150 days ago"); with
// --resume, whatever the arguments. A genuinely different export is kFailedPrecondition with both
// windows and the two ways forward. `request` takes the saved arguments and fields on resume.
Result<ResumeDecision> decide_resume(const CheckpointFile& checkpoint, exporting::ExportRequest& request,
                                     const nlohmann::json& asked, const ResumeChoice& choice);

}  // namespace fini::cli
