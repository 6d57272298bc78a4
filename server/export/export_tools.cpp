#include "export/export_tools.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "export/exporter.hpp"
#include "export/query.hpp"
#include "export/window_dates.hpp"
#include "tools/result_shaper.hpp"

namespace fini::exporting {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Both descriptions count against the 48 KB tools/list budget: every clause is one a model needs
// to call right first time (what it is for, the window split, what comes back, the SQL schema).
constexpr const char* kExportDescription =
    "Write EVERY page of a list tool to a file server-side; rows never enter the conversation. Long "
    "windows are split (conversations: 90 days per request). Returns a summary (rows, time range, facet "
    "counts e.g. channel, csatRating) and a resource_link. Use it beyond one page, then format sqlite + "
    "query_export to answer questions. CSV columns: fields, else sorted top-level fields + messages (events as text).";

constexpr const char* kQueryDescription =
    "Read-only SQL (SQLite) over an export made with format sqlite. list_conversations: table conversations "
    "(id PK, createdAt ms, source, channel, status, resolved 1/0/NULL, hasFeedback 1/0, externalId, "
    "subjectPreview; userAttributes, usedArticles as JSON text: json_extract) and table events (conversation_id, "
    "seq, role, type, message, createdAt, csatRating (0 is a rating), feedback). list_sources: table documents. "
    "SELECT/WITH only. Rows (maxRows) and time are capped: aggregate with GROUP BY.";

// Epoch milliseconds as UTC text in a strftime format.
std::string utc_text(std::int64_t ms, const char* format) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string random_suffix() {
  std::random_device rd;
  std::ostringstream out;
  out << std::hex << (rd() & 0xffffffu);
  return out.str();
}

bool is_export_name(const std::string& name) {
  if (name.empty() || name.front() == '.' || name.find('/') != std::string::npos) return false;
  const fs::path p(name);
  const auto ext = p.extension().string();
  return ext == ".jsonl" || ext == ".csv" || ext == ".sqlite";
}

json input_schema(const std::vector<std::string>& tools) {
  return {{"type", "object"},
          {"properties",
           {{"tool", {{"type", "string"}, {"enum", tools}}},
            {"arguments", {{"type", "object"}, {"description", "The tool's own arguments, no cursor."}}},
            {"format", {{"type", "string"}, {"enum", {"jsonl", "csv", "sqlite"}}, {"default", "jsonl"}}},
            {"fields",
             {{"type", "array"}, {"items", {{"type", "string"}}}, {"description", "Only these top-level fields."}}}}},
          {"required", {"tool", "format"}},
          {"additionalProperties", false}};
}

json query_schema() {
  return {{"type", "object"},
          {"properties",
           {{"file", {{"type", "string"}, {"description", "export's file, uri or path."}}},
            {"sql", {{"type", "string"}}},
            {"maxRows", {{"type", "integer"}, {"minimum", 1}, {"maximum", 5000}, {"default", 500}}}}},
          {"required", {"file", "sql"}},
          {"additionalProperties", false}};
}

}  // namespace

fs::path default_exports_dir() {
  if (const char* x = std::getenv("XDG_DATA_HOME"); x != nullptr && *x == '/')
    return fs::path(x) / "fini-mcp" / "exports";
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr ? home : ".") / ".local" / "share" / "fini-mcp" / "exports";
}

ExportToolProvider::ExportToolProvider(const std::vector<tools::Manifest>& manifests, CallStructured call,
                                       ExportToolOptions options)
    : call_(std::move(call)), options_(std::move(options)) {
  std::vector<std::string> names;
  for (const auto& m : manifests) {
    if (!m.paging) continue;
    pageable_.emplace(m.name, *m.paging);
    names.push_back(m.name);
  }
  if (names.empty()) return;  // nothing to export: serve neither tool
  definitions_.push_back({{"name", "export"},
                          {"title", "Export all pages to a file"},
                          {"description", kExportDescription},
                          {"inputSchema", input_schema(names)},
                          // Read-only as far as the user's data goes: it only reads Fini, and its
                          // writes are new files in its own exports folder. So a read-only key or
                          // --read-only keeps it, and clients may treat it like the list tools.
                          {"annotations", {{"readOnlyHint", true}}}});
  definitions_.push_back({{"name", "query_export"},
                          {"title", "SQL over an export"},
                          {"description", kQueryDescription},
                          {"inputSchema", query_schema()},
                          {"annotations", {{"readOnlyHint", true}, {"openWorldHint", false}}}});
}

std::vector<json> ExportToolProvider::list_tools() const { return definitions_; }

std::string ExportToolProvider::pageable_names() const {
  std::string known;
  for (const auto& [name, spec] : pageable_) known += (known.empty() ? "" : ", ") + name;
  return known;
}

Result<json> ExportToolProvider::call_tool(const std::string& name, const json& arguments, mcp::CallContext& ctx) {
  if (definitions_.empty()) return Status(Code::kNotFound, "Unknown tool: " + name);
  const json args = arguments.is_object() ? arguments : json::object();
  if (name == "export") return run_export_tool(args, ctx);
  if (name == "query_export") return run_query_tool(args, ctx);
  return Status(Code::kNotFound, "Unknown tool: " + name);
}

Result<fs::path> ExportToolProvider::export_file(const std::string& given) const {
  // What export hands out, in any of its spellings: the resource_link URI, the bare file name,
  // or the path inside the exports folder. Nothing outside that folder.
  std::string name = given;
  if (name.rfind(kExportUriPrefix, 0) == 0) name = name.substr(std::string_view(kExportUriPrefix).size());
  if (name.find('/') != std::string::npos) {
    std::error_code ec;
    const fs::path dir = fs::weakly_canonical(options_.exports_dir, ec);
    const fs::path parent = fs::weakly_canonical(fs::path(name), ec).parent_path();
    if (ec || parent != dir) {
      return invalid_argument("'" + given + "' is not in the exports folder " + options_.exports_dir.string() +
                              "; pass the file name, its fini://exports/ URI or its path there");
    }
    name = fs::path(name).filename().string();
  }
  if (!is_export_name(name)) {
    return invalid_argument("'" + name +
                            "' is not an export file name (e.g. list_conversations-20250101T000000Z-1a2b3c.sqlite)");
  }
  fs::path path = options_.exports_dir / name;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    return not_found("no export named " + name + " in " + options_.exports_dir.string());
  return path;
}

namespace {

// Removes the file unless released: a failed or cancelled export leaves nothing that could be
// taken for a complete one.
class PartialFile {
 public:
  explicit PartialFile(fs::path path) : path_(std::move(path)) {}
  ~PartialFile() {
    if (!released_) {
      std::error_code ec;
      fs::remove(path_, ec);
    }
  }
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;
  const fs::path& path() const { return path_; }
  Status commit_as(const fs::path& final_path) {
    std::error_code ec;
    fs::rename(path_, final_path, ec);
    if (ec) return unavailable("cannot rename " + path_.string() + ": " + ec.message());
    released_ = true;
    return {};
  }

 private:
  fs::path path_;
  bool released_ = false;
};

// The context each page is fetched with: the export's own, except progress. The call path sends
// heartbeats and retry notes numbered 1, 2, ... per page; mixed into the export's progress (rows
// so far) they would break its one-notification-per-page count and its monotonic values.
class PageContext final : public mcp::CallContext {
 public:
  explicit PageContext(mcp::CallContext& outer) : outer_(outer) {}
  const CancelToken& cancel_token() const override { return outer_.cancel_token(); }
  void progress(double, std::optional<double>, const std::string&) override {}
  void log(mcp::LogLevel level, const std::string& logger, const mcp::Json& data) override {
    outer_.log(level, logger, data);
  }
  const mcp::ClientInfo& client() const override { return outer_.client(); }
  Result<mcp::Json> request(const std::string& method, const mcp::Json& params,
                            std::chrono::milliseconds timeout) override {
    return outer_.request(method, params, timeout);
  }
  void notify(const std::string& method, const mcp::Json& params) override { outer_.notify(method, params); }

 private:
  mcp::CallContext& outer_;
};

}  // namespace

std::string progress_message(const PageEvent& page) {
  std::string text = std::to_string(page.rows) + " rows, " + std::to_string(page.pages) + " pages";
  if (page.window_since && page.window_until) {
    text += ", window " + utc_text(*page.window_since, "%Y-%m-%d") + ".." + utc_text(*page.window_until, "%Y-%m-%d");
  }
  return text;
}

Result<json> ExportToolProvider::run_export_tool(const json& args, mcp::CallContext& ctx) {
  const std::string tool = args.value("tool", "");
  auto spec = pageable_.find(tool);
  if (spec == pageable_.end()) {
    return tools::tool_error("export: 'tool' must be a pageable list tool (" + pageable_names() + "), got '" + tool +
                             "'");
  }
  auto format = parse_format(args.value("format", "jsonl"));
  if (!format.ok()) return tools::tool_error("export: " + format.status().message());
  ExportRequest request;
  request.tool = tool;
  request.spec = spec->second;
  request.format = *format;
  request.arguments = args.value("arguments", json::object());
  if (!request.arguments.is_object()) return tools::tool_error("export: 'arguments' must be an object");
  if (Status dates = read_window_dates(request); !dates.ok()) return tools::tool_error("export: " + dates.message());
  if (auto f = args.find("fields"); f != args.end()) {
    if (!f->is_array()) return tools::tool_error("export: 'fields' must be an array of strings");
    for (const auto& v : *f) {
      if (v.is_string()) request.fields.push_back(v.get<std::string>());
    }
  }
  request.now_ms = now_ms();
  std::error_code ec;
  fs::create_directories(options_.exports_dir, ec);
  ::chmod(options_.exports_dir.c_str(), 0700);  // exports hold customer conversations
  const std::string name = tool + "-" + utc_text(request.now_ms, "%Y%m%dT%H%M%SZ") + "-" + random_suffix() + "." +
                           std::string(format_name(*format));
  const fs::path final_path = options_.exports_dir / name;
  PartialFile partial(fs::path(final_path.string() + ".partial"));
  request.path = partial.path();

  ExportHooks hooks;
  hooks.cancelled = [&ctx] { return ctx.cancelled(); };
  hooks.on_page = [&ctx](const PageEvent& page) {
    ctx.progress(static_cast<double>(page.rows), std::nullopt, progress_message(page));
  };
  PageContext page_ctx(ctx);
  FetchPage fetch = [&](const json& page_args) { return call_(tool, page_args, page_ctx); };
  auto outcome = run_export(request, fetch, hooks);
  if (!outcome.ok()) {
    const bool cancelled = outcome.status().code() == Code::kCancelled;
    return tools::tool_error(std::string(cancelled ? "Export cancelled" : "Export failed") + " after " +
                             "some pages; the partial file was removed. " + outcome.status().message());
  }
  if (auto s = partial.commit_as(final_path); !s.ok()) return tools::tool_error("export: " + s.message());
  const auto bytes = fs::file_size(final_path, ec);
  json summary = outcome->summary;
  summary["file"] = name;
  summary["uri"] = std::string(kExportUriPrefix) + name;
  summary["path"] = final_path.string();
  summary["format"] = format_name(*format);
  summary["bytes"] = ec ? 0 : bytes;
  std::string next = *format == Format::kSqlite ? " Query it with query_export {file: \"" + name + "\", sql: ...}."
                                                : " Read it with resources/read or open the file.";
  json link = {{"type", "resource_link"},
               {"uri", summary["uri"]},
               {"name", name},
               {"mimeType", format_mime(*format)},
               {"size", summary["bytes"]}};
  return json{
      {"content", json::array({json{{"type", "text"}, {"text", "Exported " + summary.dump() + "." + next}}, link})},
      {"structuredContent", summary},
      {"isError", false}};
}

Result<json> ExportToolProvider::run_query_tool(const json& args, mcp::CallContext& ctx) const {
  auto path = export_file(args.value("file", ""));
  if (!path.ok()) return tools::tool_error("query_export: " + path.status().message());
  if (path->extension() != ".sqlite") {
    return tools::tool_error("query_export: " + path->filename().string() +
                             " is not a SQLite export; export again with format sqlite");
  }
  const std::string sql = args.value("sql", "");
  if (sql.empty()) return tools::tool_error("query_export: 'sql' is required");
  QueryLimits limits;
  limits.max_rows = std::min<std::size_t>(args.value("maxRows", options_.max_query_rows), 5000);
  limits.time_cap = options_.query_time_cap;
  limits.cancelled = [&ctx] { return ctx.cancelled(); };
  auto result = run_query(*path, sql, limits);
  if (!result.ok()) return tools::tool_error("query_export: " + result.status().message());
  std::string text = result->dump();
  return json{{"content", json::array({json{{"type", "text"}, {"text", text}}})},
              {"structuredContent", *result},
              {"isError", false}};
}

std::vector<json> ExportToolProvider::list_resources() const {
  std::vector<json> out;
  std::error_code ec;
  if (definitions_.empty() || !fs::is_directory(options_.exports_dir, ec)) return out;
  for (const auto& entry : fs::directory_iterator(options_.exports_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!is_export_name(name) || !entry.is_regular_file(ec)) continue;
    auto format = parse_format(entry.path().extension().string().substr(1));
    out.push_back({{"uri", std::string(kExportUriPrefix) + name},
                   {"name", name},
                   {"mimeType", format.ok() ? format_mime(*format) : "application/octet-stream"},
                   {"size", entry.file_size(ec)}});
  }
  return out;
}

std::vector<json> ExportToolProvider::list_resource_templates() const {
  if (definitions_.empty()) return {};
  return {json{{"uriTemplate", std::string(kExportUriPrefix) + "{file}"},
               {"name", "export"},
               {"description", "A file written by the export tool (jsonl/csv as text; sqlite via query_export)"}}};
}

Result<json> ExportToolProvider::read_resource(const std::string& uri) const {
  const std::string prefix = kExportUriPrefix;
  if (definitions_.empty() || uri.rfind(prefix, 0) != 0) return Status(Code::kNotFound, "Resource not found: " + uri);
  auto path = export_file(uri.substr(prefix.size()));
  if (!path.ok()) return Status(Code::kNotFound, "Resource not found: " + uri);
  if (path->extension() == ".sqlite") {
    return invalid_argument("SQLite exports are not served as text: query them with query_export (file " +
                            path->filename().string() + ")");
  }
  std::error_code ec;
  const auto size = fs::file_size(*path, ec);
  if (ec || size > options_.max_text_read_bytes) {
    return invalid_argument("export " + path->filename().string() + " is " + std::to_string(size) +
                            " bytes, above the " + std::to_string(options_.max_text_read_bytes) +
                            "-byte read cap; export it as sqlite and use query_export, or open " + path->string());
  }
  std::ifstream in(*path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const bool csv = path->extension() == ".csv";
  return json{
      {"contents",
       json::array({json{{"uri", uri}, {"mimeType", csv ? "text/csv" : "application/jsonl"}, {"text", text.str()}}})}};
}

}  // namespace fini::exporting
