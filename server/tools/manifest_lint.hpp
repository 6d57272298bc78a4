#pragma once
// The manifest linter's per-file checks (load_manifests() adds the directory-wide ones:
// duplicate names, file layout, manifest.schema.json). Pure functions of their inputs:
// thread-safe, never throw except std::bad_alloc.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "schema/validator.hpp"
#include "tools/manifest.hpp"

namespace fini::tools {

inline constexpr std::size_t kMaxToolNameLength = 41;  // "mcp__plugin_fini_fini__" + name <= 64
inline constexpr std::size_t kMaxDescriptionLength = 1500;
inline constexpr int kMinTimeoutMs = 1000;  // below 1 s is almost surely seconds-vs-ms
inline constexpr int kMaxTimeoutMs = 600000;
// The toolsets of tests/contract/endpoints.json (agents includes the prompt tools).
inline constexpr std::string_view kToolsets[] = {"agents",    "articles", "conversations", "folders",
                                                 "knowledge", "rules",    "sources",       "tags"};

struct LintContext {
  std::string file;    // reported in every issue
  std::string stem;    // file name without .json: the tool name it must declare
  std::string folder;  // parent folder: the toolset it must declare
};

// Every structural problem of one parsed manifest, with pointers into the file, in a fixed
// order (top-level keys, request, input, output, annotations). Empty = the manifest is usable.
std::vector<LintIssue> lint_manifest(const nlohmann::json& doc, const LintContext& context);

// doc validated against the compiled manifests/manifest.schema.json; reasons are prefixed
// with "manifest.schema.json: ".
std::vector<LintIssue> lint_against_schema_file(const nlohmann::json& doc, const schema::Validator& validator,
                                                const std::string& file);

}  // namespace fini::tools
