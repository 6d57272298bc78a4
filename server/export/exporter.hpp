#pragma once
// One export: pager → summary + row writer, page by page, with a checkpoint after every page.
// Shared by the `export` MCP tool and `fini-mcp export`; the callers decide file names
// (`.partial` while running) and what a checkpoint is kept in.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.hpp"
#include "export/pager.hpp"
#include "export/writers.hpp"
#include "tools/manifest.hpp"

namespace fini::exporting {

struct ExportRequest {
  std::string tool;
  tools::PagingSpec spec;
  nlohmann::json arguments = nlohmann::json::object();
  Format format = Format::kJsonl;
  std::vector<std::string> fields;
  std::filesystem::path path;  // written in place
  std::int64_t now_ms = 0;
};

struct ExportHooks {
  std::function<void(const PageEvent&)> on_page;             // after the page is on disk
  std::function<bool()> cancelled;                           // checked before every page
  std::function<void(const nlohmann::json&)> on_checkpoint;  // after every page
};

struct ExportOutcome {
  nlohmann::json summary;  // Summary::to_json() plus pages
  std::size_t pages = 0;
};

// Runs to the end, or stops at the first error or cancellation (kCancelled). `resume` is a
// checkpoint from on_checkpoint for the same request: the walk and the file continue from it.
Result<ExportOutcome> run_export(const ExportRequest& request, const FetchPage& fetch, const ExportHooks& hooks,
                                 const nlohmann::json& resume = nullptr);

// The request part of a checkpoint, to check that a resume continues the same export.
nlohmann::json request_fingerprint(const ExportRequest& request);

}  // namespace fini::exporting
