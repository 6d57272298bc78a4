// load_manifests() on the valid fixture directory, the repository's manifests/ and edge cases.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tools/manifest.hpp"

namespace fini::tools {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kValid = fs::path(FINI_FIXTURES_DIR) / "manifests" / "valid";

std::vector<std::string> issue_lines(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& i : r.issues) out.push_back(format_issue(i));
  return out;
}

const Manifest& find(const LoadResult& r, const std::string& name) {
  for (const auto& m : r.manifests) {
    if (m.name == name) return m;
  }
  throw std::runtime_error("no manifest " + name);
}

TEST(LoadManifests, ValidFixtureDirectoryLoadsSortedByName) {
  const LoadResult r = load_manifests(kValid);
  EXPECT_EQ(issue_lines(r), std::vector<std::string>{});
  std::vector<std::string> names;
  for (const auto& m : r.manifests) names.push_back(m.name);
  EXPECT_EQ(names, (std::vector<std::string>{"delete_conversation", "export_tree", "get_conversation", "import_tree",
                                             "list_conversations", "update_agent_prompts"}));
}

TEST(LoadManifests, FieldsOfAReadTool) {
  const LoadResult r = load_manifests(kValid);
  const Manifest& m = find(r, "list_conversations");
  EXPECT_EQ(m.title, "List conversations");
  EXPECT_EQ(m.toolset, "conversations");
  EXPECT_EQ(m.scope, "read");
  EXPECT_EQ(m.file, (kValid / "conversations/list_conversations.json").generic_string());
  EXPECT_EQ(m.request.method, "GET");
  EXPECT_EQ(m.request.path, "/v2/hc-interactions/public");
  EXPECT_EQ(m.request.timeout_ms, 45000);
  EXPECT_FALSE(m.request.file_response);
  EXPECT_EQ(m.request.wrap, "");
  EXPECT_TRUE(m.read_only());
  EXPECT_EQ(m.annotations, json::parse(R"({"readOnlyHint":true,"openWorldHint":true})"));
  EXPECT_EQ(m.output_schema["type"], "object");
  ASSERT_NE(m.validator, nullptr);
  const auto errors = m.validator->validate(json::parse(R"({"limit":500,"direction":"up","extra":1})"));
  std::vector<std::string> lines;
  for (const auto& e : errors) lines.push_back(schema::describe(e));
  EXPECT_EQ(lines, (std::vector<std::string>{R"(/direction: must be one of: "next", "previous")",
                                             "unexpected property 'extra' (allowed: cursor, direction, limit, "
                                             "tagGroupIds, tagIds)",
                                             "/limit: must be <= 100 (got 500)"}));
  EXPECT_TRUE(m.validator->accepts(json::parse(R"({"limit":100,"tagGroupIds":["a","b"]})")));
}

TEST(LoadManifests, FieldsOfWriteFormAndFileTools) {
  const LoadResult r = load_manifests(kValid);
  const Manifest& del = find(r, "delete_conversation");
  EXPECT_FALSE(del.read_only());
  EXPECT_EQ(del.request.wrap, "result");
  EXPECT_TRUE(del.output_schema.is_null());
  EXPECT_FALSE(del.validator->accepts(json::object()));

  const Manifest& imp = find(r, "import_tree");
  EXPECT_EQ(imp.request.method, "POST");
  EXPECT_EQ(imp.request.timeout_ms, 120000);
  EXPECT_EQ(imp.request.wrap, "result");

  const Manifest& exp = find(r, "export_tree");
  EXPECT_TRUE(exp.request.file_response);
  EXPECT_FALSE(exp.request.timeout_ms.has_value());
  EXPECT_TRUE(exp.params.empty());
  EXPECT_EQ(exp.input_schema, json::parse(R"({"type":"object","additionalProperties":false})"));
  EXPECT_TRUE(exp.validator->accepts(json::object()));
}

TEST(LoadManifests, MissingDirectory) {
  const fs::path dir = kValid / "does-not-exist";
  const LoadResult r = load_manifests(dir);
  EXPECT_TRUE(r.manifests.empty());
  EXPECT_EQ(issue_lines(r), std::vector<std::string>{dir.generic_string() + ": not a directory"});
}

TEST(LoadManifests, EmptyDirectoryIsAnIssue) {
  const fs::path dir =
      fs::temp_directory_path() /
      ("fini-manifest-empty-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  fs::create_directories(dir / "conversations");
  const LoadResult r = load_manifests(dir);
  fs::remove_all(dir);
  EXPECT_EQ(issue_lines(r), std::vector<std::string>{dir.generic_string() + ": no manifest files found"});
}

// The shipped manifests must lint clean (the same check `fini-mcp check manifests/` runs).
TEST(LoadManifests, RepositoryManifestsLintClean) {
  const LoadResult r = load_manifests(FINI_MANIFESTS_DIR);
  EXPECT_EQ(issue_lines(r), std::vector<std::string>{});
  EXPECT_FALSE(r.manifests.empty());
  for (const auto& m : r.manifests) {
    EXPECT_TRUE(m.annotations.contains("readOnlyHint")) << m.name;
    EXPECT_EQ(m.input_schema["type"], "object") << m.name;
  }
}

}  // namespace
}  // namespace fini::tools
