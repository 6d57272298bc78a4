#include "export/exporter.hpp"

#include "export/summary.hpp"

namespace fini::exporting {

using nlohmann::json;

json request_fingerprint(const ExportRequest& r) {
  return {{"tool", r.tool}, {"arguments", r.arguments}, {"format", format_name(r.format)}, {"fields", r.fields}};
}

Result<ExportOutcome> run_export(const ExportRequest& request, const FetchPage& fetch, const ExportHooks& hooks,
                                 const json& resume) {
  Pager pager(request.spec, request.arguments, fetch, request.now_ms);
  Summary summary(request.spec);
  WriterOptions wo{request.format, request.path, request.spec, request.fields, json()};
  if (resume.is_object()) {
    if (resume.value("request", json()) != request_fingerprint(request)) {
      return failed_precondition("the checkpoint belongs to a different export (tool, arguments, format or fields)");
    }
    auto state = PagerState::from_json(resume.value("pager", json()));
    if (!state.ok()) return state.status();
    pager.resume(*state);
    summary.restore(resume.value("summary", json()));
    wo.resume_state = resume.value("writer", json::object());
  }
  auto writer = open_writer(wo);
  if (!writer.ok()) return writer.status();

  while (true) {
    if (hooks.cancelled && hooks.cancelled()) return Status(Code::kCancelled, "export cancelled");
    auto more = pager.step([&](const PageEvent& page) -> Status {
      if (auto s = (*writer)->write_page(page.items); !s.ok()) return s;
      for (const auto& item : page.items) summary.add(item);
      if (hooks.on_page) hooks.on_page(page);
      return {};
    });
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (hooks.on_checkpoint) {
      hooks.on_checkpoint(json{{"request", request_fingerprint(request)},
                               {"pager", pager.state().to_json()},
                               {"writer", (*writer)->state()},
                               {"summary", summary.state()}});
    }
  }
  const json written = (*writer)->state();
  if (auto s = (*writer)->close(); !s.ok()) return s;
  ExportOutcome out{summary.to_json(), pager.state().pages};
  out.summary["pages"] = out.pages;
  if (written.contains("leftOutNote")) {
    // Fields the file's columns do not carry (CSV), so nobody takes the file for everything.
    out.summary["leftOut"] = written["leftOut"];
    out.summary["leftOutNote"] = written["leftOutNote"];
  }
  if (pager.state().since && pager.state().until) {
    // The range asked for (defaults resolved), next to timeRange, the range the rows span.
    out.summary["window"] = {{"since", *pager.state().since}, {"until", *pager.state().until}};
  }
  return out;
}

}  // namespace fini::exporting
