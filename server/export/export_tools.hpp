#pragma once
// The local tools `export` and `query_export`, and the export files as MCP resources
// (fini://exports/<file>). Not Fini endpoints: pages are fetched through the manifest tools'
// whole call path (CallStructured, i.e. FiniToolProvider::call_structured) and rows go straight
// to a file, so only a short summary reaches the model. Thread-safe: each call works on its own
// file; the provider's fields are immutable after construction.

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "mcp/providers.hpp"
#include "tools/manifest.hpp"

namespace fini::exporting {

using CallStructured =
    std::function<Result<nlohmann::json>(const std::string& tool, const nlohmann::json& args, mcp::CallContext& ctx)>;

struct ExportToolOptions {
  std::filesystem::path exports_dir;
  std::size_t max_text_read_bytes = 4u * 1024u * 1024u;  // resources/read cap for jsonl/csv
  std::size_t max_query_rows = 500;
  std::chrono::milliseconds query_time_cap{5000};
};

inline constexpr const char* kExportUriPrefix = "fini://exports/";

// $XDG_DATA_HOME/fini-mcp/exports, else ~/.local/share/fini-mcp/exports.
std::filesystem::path default_exports_dir();

class ExportToolProvider final : public mcp::ToolProvider, public mcp::ResourceProvider {
 public:
  // manifests: the served tools; only those with "paging" can be exported.
  ExportToolProvider(const std::vector<tools::Manifest>& manifests, CallStructured call, ExportToolOptions options);

  std::vector<nlohmann::json> list_tools() const override;
  Result<nlohmann::json> call_tool(const std::string& name, const nlohmann::json& arguments,
                                   mcp::CallContext& ctx) override;

  // The paging of a pageable served tool (fini-mcp export); null when it has none.
  const tools::PagingSpec* paging(const std::string& tool) const {
    auto it = pageable_.find(tool);
    return it == pageable_.end() ? nullptr : &it->second;
  }
  // "a, b, c": the pageable tools, for messages.
  std::string pageable_names() const;

  std::vector<nlohmann::json> list_resources() const override;
  std::vector<nlohmann::json> list_resource_templates() const override;
  Result<nlohmann::json> read_resource(const std::string& uri) const override;

 private:
  Result<nlohmann::json> run_export_tool(const nlohmann::json& arguments, mcp::CallContext& ctx);
  Result<nlohmann::json> run_query_tool(const nlohmann::json& arguments, mcp::CallContext& ctx) const;
  Result<std::filesystem::path> export_file(const std::string& name) const;

  std::map<std::string, tools::PagingSpec> pageable_;
  CallStructured call_;
  ExportToolOptions options_;
  std::vector<nlohmann::json> definitions_;
};

}  // namespace fini::exporting
