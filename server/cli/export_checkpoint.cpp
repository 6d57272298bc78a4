#include "cli/export_checkpoint.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli/time_spec.hpp"
#include "common/atomic_file.hpp"
#include "export/pager.hpp"

namespace fini::cli {

using nlohmann::json;
namespace fs = std::filesystem;

json CheckpointFile::load() const {
  std::ifstream in(path_);
  if (!in) return nullptr;
  std::stringstream text;
  text << in.rdbuf();
  json j = json::parse(text.str(), nullptr, false);
  return j.is_object() ? j : json(nullptr);
}

Status CheckpointFile::save(const json& checkpoint) const {
  if (!write_file_atomically(path_, checkpoint.dump(), 0600).ok()) return unavailable("cannot write " + path_.string());
  return {};
}

void CheckpointFile::remove() const {
  std::error_code ec;
  fs::remove(path_, ec);
}

namespace {

// How far a recomputed relative time may have moved beyond the time since the export began.
constexpr std::int64_t kClockSlackMs = 5 * 60 * 1000;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The same request except for window arguments that each moved by at most `drift_ms`.
bool same_but_moved(json saved, json current, const tools::PagingSpec& spec, std::int64_t drift_ms) {
  if (!spec.window || !saved.is_object() || !current.is_object()) return false;
  for (const std::string& name : {spec.window->since_arg, spec.window->until_arg}) {
    json& a = saved["arguments"];
    json& b = current["arguments"];
    const bool in_a = a.contains(name), in_b = b.contains(name);
    if (in_a != in_b) return false;
    if (!in_a) continue;
    if (!a[name].is_number_integer() || !b[name].is_number_integer()) return false;
    if (std::llabs(a[name].get<std::int64_t>() - b[name].get<std::int64_t>()) > drift_ms) return false;
    a.erase(name);
    b.erase(name);
  }
  return saved == current;
}

std::string window_text(const json& args, const tools::PagingSpec& spec, std::int64_t now) {
  if (!spec.window) return "no window";
  exporting::Pager pager(spec, args, nullptr, now);
  return utc_iso(*pager.state().since) + " .. " + utc_iso(*pager.state().until);
}

std::string saved_window_text(const json& saved) {
  const json pager = saved.value("pager", json::object());
  if (!pager.value("since", json()).is_number_integer()) return "no window";
  return utc_iso(pager["since"].get<std::int64_t>()) + " .. " + utc_iso(pager["until"].get<std::int64_t>());
}

std::string describe(const json& request, const std::string& window) {
  std::string fields =
      request.value("fields", json::array()).empty() ? "all fields" : "fields " + request["fields"].dump();
  return request.value("tool", "") + ", window " + window + ", " + request.value("format", "") + ", " + fields +
         ", arguments " + request.value("arguments", json::object()).dump();
}

Status different_export(const CheckpointFile& checkpoint, const json& saved, const exporting::ExportRequest& request) {
  const json current = exporting::request_fingerprint(request);
  return failed_precondition(
      checkpoint.path().string() + " holds an unfinished export that differs from this command:\n" + "  saved (" +
      std::to_string(saved.value("pager", json::object()).value("rows", 0)) +
      " rows written): " + describe(saved["request"], saved_window_text(saved)) +
      "\n  this command: " + describe(current, window_text(request.arguments, request.spec, request.now_ms)) +
      "\nRerun with --resume to finish the saved export, or with --restart to drop it and start this one.");
}

ResumeDecision resume_with(json saved, exporting::ExportRequest& request, const CheckpointFile& checkpoint,
                           const std::string& why) {
  const json& saved_request = saved["request"];
  request.arguments = saved_request.value("arguments", json::object());
  request.fields = saved_request.value("fields", std::vector<std::string>{});
  ResumeDecision d;
  d.started_at_ms = saved.value("startedAt", request.now_ms);
  d.note = "resuming from " + checkpoint.path().string() + " (" +
           std::to_string(saved.value("pager", json::object()).value("rows", 0)) + " rows already written): " + why +
           "; window " + saved_window_text(saved);
  d.checkpoint = std::move(saved);
  return d;
}

}  // namespace

Result<ResumeDecision> decide_resume(const CheckpointFile& checkpoint, exporting::ExportRequest& request,
                                     const json& asked, const ResumeChoice& choice) {
  ResumeDecision fresh;
  fresh.started_at_ms = request.now_ms;
  json saved = checkpoint.load();
  std::error_code ec;
  const bool usable = saved.is_object() && saved.value("request", json()).is_object() && fs::exists(request.path, ec);
  if (choice.restart || !usable) {
    if (choice.resume_only)
      return failed_precondition("nothing to resume: no " + checkpoint.path().string() + " with its .partial file");
    return fresh;
  }
  const json current = exporting::request_fingerprint(request);
  const json& saved_request = saved["request"];
  if (choice.resume_only) {
    if (saved_request.value("tool", "") != request.tool || saved_request.value("format", "") != current["format"]) {
      return failed_precondition(checkpoint.path().string() + " is an export of " + saved_request.value("tool", "") +
                                 " as " + saved_request.value("format", "") + "; --resume cannot turn it into another");
    }
    return resume_with(std::move(saved), request, checkpoint, "the saved export (--resume)");
  }
  if (saved.value("asked", json()) == asked || saved_request == current) {
    return resume_with(std::move(saved), request, checkpoint, "the same export");
  }
  const std::int64_t elapsed = now_ms() - saved.value("startedAt", now_ms());
  if (same_but_moved(saved_request, current, request.spec, std::max<std::int64_t>(elapsed, 0) + kClockSlackMs)) {
    return resume_with(std::move(saved), request, checkpoint,
                       "the same export (its relative window moved since it began; the saved window is kept)");
  }
  return different_export(checkpoint, saved, request);
}

}  // namespace fini::cli
