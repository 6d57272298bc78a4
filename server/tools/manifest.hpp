#pragma once
// Tool manifests: one JSON file per tool under manifests/<toolset>/<name>.json (DESIGN.md §3).
// load_manifests() reads and lints a whole directory; a Manifest is an immutable value once
// loaded (safe to share across threads). Nothing here throws except std::bad_alloc.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "schema/validator.hpp"

namespace fini::tools {

enum class ParamLocation { kPath, kQuery, kBody, kForm };

struct FormFile {
  std::string filename;
  std::string content_type;
};

// One top-level input property and where it goes on the wire.
struct ParamSpec {
  std::string name;       // argument name (key of input.properties)
  std::string wire_name;  // "wireName", defaults to name
  ParamLocation location = ParamLocation::kQuery;
  std::string style;  // query only: "repeat" (default) or "csv"; empty elsewhere
  std::optional<FormFile> form_file;
  bool epoch_ms = false;  // "unit": "epoch-ms": refuse values that can only be seconds
};

// request.unknownId: how the route answers an id that does not exist, when that is not a plain
// 404 (Fini answers 500 or 200 with null on some routes), so the error can say what to do next.
// request.verifyEach: per-id outcomes of a non-atomic bulk call, learned with reads only.
struct VerifyEachSpec {
  std::string arg;   // the array argument holding the ids
  std::string tool;  // a read tool that gets one item
  std::string as;    // its argument that takes the id
};

struct UnknownIdSpec {
  std::string answers;    // "500" or "null"
  std::string what;       // "conversation", "tag group", ...
  std::string list_with;  // the tool that lists valid ids
};

struct RequestSpec {
  std::string method;  // GET POST PUT PATCH DELETE
  std::string path;    // with {placeholders}
  std::optional<int> timeout_ms;
  bool file_response = false;  // "response": "file"
  std::string wrap;            // empty = body published as-is (must be an object)
  std::string project;         // non-empty: the tool takes `fields` (see manifest.schema.json)
  std::optional<UnknownIdSpec> unknown_id;
  std::optional<VerifyEachSpec> verify_each;
};

// How a list tool pages ("paging" in the manifest; manifests/README.md). Pure data read by the
// generic pager (server/export/): adding a pageable endpoint needs no C++.
struct PagingWindow {
  std::string since_arg, until_arg;  // epoch-ms window arguments
  std::int64_t max_span_ms = 0;      // longest window one request may ask for
  std::int64_t default_span_ms = 0;  // what the API uses when since is omitted
};
struct PagingChildren {
  std::string field;                // array inside each item, e.g. "events"
  std::string table;                // SQLite table name for the child rows
  std::string parent_key;           // column holding the parent's id, e.g. "conversation_id"
  std::vector<std::string> facets;  // child fields counted in the export summary
};
struct PagingSpec {
  std::string items;             // response array
  std::string table;             // SQLite table of an export ("table", default items)
  std::string cursor_arg;        // argument that takes the cursor
  std::string next;              // response field with the next cursor ("" = take cursor_from_item)
  std::string cursor_from_item;  // field of the last item used as cursor when the API returns none
  std::string has_more;          // response boolean
  std::string limit_arg;         // page size argument ("" = none)
  int max_limit = 0;
  std::string direction_arg, direction_value;  // the value that walks forward (Fini: next = OLDER)
  std::optional<PagingWindow> window;
  std::string id_field = "id";      // primary key of an item
  std::string time_field;           // item timestamp for the summary's time range ("" = none)
  std::vector<std::string> facets;  // item fields counted in the export summary
  std::optional<PagingChildren> children;
};
// Parses a linted "paging" object (lint_manifest has checked every field).
PagingSpec parse_paging(const nlohmann::json& paging);

struct Manifest {
  std::string name, title, description, toolset, scope;
  std::string file;  // path it came from
  RequestSpec request;
  std::vector<ParamSpec> params;  // sorted by name
  nlohmann::json input_schema;    // published: private keywords stripped
  nlohmann::json output_schema;   // published, or null when the manifest has none
  nlohmann::json annotations;
  std::string confirm;  // question template asked before a destructive call; empty = none
  std::shared_ptr<const schema::Validator> validator;  // compiled from input_schema
  // Compiled from output_schema (on first use) when the loader linted it; null otherwise.
  std::shared_ptr<const schema::Validator> output_validator;
  std::optional<PagingSpec> paging;  // set for pageable list tools
  bool read_only() const;            // annotations.readOnlyHint
  bool destructive() const;          // annotations.destructiveHint
  // Safe to send again after a failure: read-only, or declared idempotent (idempotentHint).
  bool repeatable() const;
};

// pointer is a JSON Pointer into the manifest file ("" = the whole file).
struct LintIssue {
  std::string file;
  std::string pointer;
  std::string reason;
};
// "manifests/x/y.json: /input/properties/id/in: must be one of path, query, body, form";
// an issue about the whole file has no pointer part.
std::string format_issue(const LintIssue& issue);

struct LoadResult {
  std::vector<Manifest> manifests;  // only manifests without issues, sorted by name
  std::vector<LintIssue> issues;    // empty = OK
};

// Reads <dir>/<toolset>/<name>.json (sorted by path), lints each file and, when
// <dir>/manifest.schema.json exists, also validates each otherwise-clean manifest against it.
// Issue files are named dir / relative path, as given. Never throws.
LoadResult load_manifests(const std::filesystem::path& dir);

// The keywords only allowed directly on a property of input.properties.
inline constexpr std::string_view kPrivateKeywords[] = {"in", "wireName", "style", "formFile", "unit"};

// input with private keywords removed from every schema position (what tools/list publishes).
nlohmann::json publish_input_schema(const nlohmann::json& input);
// The `fields` argument a manifest with request.project gets (never sent to Fini).
inline constexpr const char* kFieldsArgument = "fields";
nlohmann::json with_fields_argument(nlohmann::json input);
// ParamSpecs for the top-level input properties (assumes a linted manifest; unknown "in"
// values fall back to query).
std::vector<ParamSpec> extract_params(const nlohmann::json& input);

std::string_view location_name(ParamLocation location);  // "path", "query", "body", "form"

}  // namespace fini::tools
