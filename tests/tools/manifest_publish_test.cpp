// Private keywords are stripped from the published inputSchema; ParamSpecs carry them instead.

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

const Manifest& find(const LoadResult& r, const std::string& name) {
  for (const auto& m : r.manifests) {
    if (m.name == name) return m;
  }
  throw std::runtime_error("no manifest " + name);
}

TEST(PublishInputSchema, StripsPrivateKeywordsButNotPropertyNames) {
  const LoadResult r = load_manifests(kValid);
  ASSERT_TRUE(r.issues.empty());
  // "in" inside sections.items.properties is a property NAME and must survive.
  EXPECT_EQ(find(r, "update_agent_prompts").input_schema, json::parse(R"({
    "type": "object",
    "properties": {
      "agentId": {"type": "string", "description": "Agent id."},
      "sections": {"type": "array", "items": {"type": "object",
          "properties": {"title": {"type": "string"}, "in": {"type": "string"}},
          "required": ["title"], "additionalProperties": false}},
      "note": {"type": ["string", "null"], "maxLength": 200}
    },
    "required": ["agentId", "sections"],
    "additionalProperties": false})"));
  EXPECT_EQ(find(r, "import_tree").input_schema["properties"]["csv"],
            json::parse(R"({"type": "string", "minLength": 1})"));
}

TEST(PublishInputSchema, StripsMisplacedKeywordsEverywhere) {
  const json input = json::parse(R"({"type":"object","in":"body","properties":{
      "a":{"type":"array","in":"query","style":"csv","items":{"type":"string","wireName":"x"}},
      "b":{"type":"object","in":"body","additionalProperties":{"formFile":{}}}}})");
  EXPECT_EQ(publish_input_schema(input), json::parse(R"({"type":"object","properties":{
      "a":{"type":"array","items":{"type":"string"}},
      "b":{"type":"object","additionalProperties":{}}}})"));
}

TEST(ExtractParams, LocationsWireNamesStylesAndFormFiles) {
  const LoadResult r = load_manifests(kValid);
  ASSERT_TRUE(r.issues.empty());

  const auto& list = find(r, "list_conversations").params;  // sorted by argument name
  ASSERT_EQ(list.size(), 5U);
  EXPECT_EQ(list[0].name, "cursor");
  EXPECT_EQ(list[0].wire_name, "cursor");
  EXPECT_EQ(list[0].location, ParamLocation::kQuery);
  EXPECT_EQ(list[0].style, "repeat");
  EXPECT_EQ(list[3].name, "tagGroupIds");
  EXPECT_EQ(list[3].style, "csv");
  EXPECT_EQ(list[4].name, "tagIds");
  EXPECT_EQ(list[4].wire_name, "tagIds[]");
  EXPECT_EQ(list[4].style, "repeat");
  EXPECT_FALSE(list[4].form_file.has_value());

  const auto& upd = find(r, "update_agent_prompts").params;
  ASSERT_EQ(upd.size(), 3U);
  EXPECT_EQ(upd[0].name, "agentId");
  EXPECT_EQ(upd[0].wire_name, "id");
  EXPECT_EQ(upd[0].location, ParamLocation::kPath);
  EXPECT_EQ(upd[0].style, "");
  EXPECT_EQ(upd[1].name, "note");
  EXPECT_EQ(upd[1].wire_name, "comment");
  EXPECT_EQ(upd[1].location, ParamLocation::kBody);
  EXPECT_EQ(upd[2].name, "sections");
  EXPECT_EQ(upd[2].location, ParamLocation::kBody);

  const auto& imp = find(r, "import_tree").params;
  ASSERT_EQ(imp.size(), 2U);
  EXPECT_EQ(imp[0].name, "csv");
  EXPECT_EQ(imp[0].wire_name, "file");
  EXPECT_EQ(imp[0].location, ParamLocation::kForm);
  ASSERT_TRUE(imp[0].form_file.has_value());
  EXPECT_EQ(imp[0].form_file->filename, "tree.csv");
  EXPECT_EQ(imp[0].form_file->content_type, "text/csv");
  EXPECT_EQ(imp[1].name, "mode");
  EXPECT_FALSE(imp[1].form_file.has_value());
}

TEST(ExtractParams, NoPropertiesMeansNoParams) {
  EXPECT_TRUE(extract_params(json::parse(R"({"type":"object"})")).empty());
  EXPECT_TRUE(extract_params(json()).empty());
}

TEST(LocationName, AllValues) {
  EXPECT_EQ(location_name(ParamLocation::kPath), "path");
  EXPECT_EQ(location_name(ParamLocation::kQuery), "query");
  EXPECT_EQ(location_name(ParamLocation::kBody), "body");
  EXPECT_EQ(location_name(ParamLocation::kForm), "form");
}

}  // namespace
}  // namespace fini::tools
