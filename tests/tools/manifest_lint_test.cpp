// One broken fixture per linter rule (tests/fixtures/manifests/broken/<case>/...): each must
// produce exactly one issue, with the exact file, pointer and reason.

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tools/manifest.hpp"

namespace fini::tools {
namespace {

namespace fs = std::filesystem;

const fs::path kBroken = fs::path(FINI_FIXTURES_DIR) / "manifests" / "broken";

struct BrokenCase {
  std::string name;     // folder under broken/
  std::string file;     // relative to the case folder
  std::string pointer;  // into that file
  std::string reason;
  std::size_t loaded = 0;  // manifests that still load despite the issue
};

const std::string kGet = "conversations/get_conversation.json";
const std::string kDelete = "conversations/delete_conversation.json";
const std::string kInvalid = "must be one of path, query, body, form";
const std::string kPrivate = "' is only allowed directly on a property of input.properties";

const std::vector<BrokenCase> kCases = {
    {"invalid_json", kGet, "",
     "invalid JSON: parse error at line 4, column 1: syntax error while parsing value - unexpected '}'; "
     "expected '[', '{', or a literal"},
    {"not_an_object", kGet, "", "a manifest must be a JSON object, got array"},
    {"unknown_key", kGet, "/summary",
     "unknown key (allowed: annotations, confirm, description, input, name, output, paging, request, scope, title, "
     "toolset)"},
    {"missing_name", kGet, "/name", "is required"},
    {"bad_name_pattern", "conversations/Get-Conversation.json", "/name",
     "must match ^[a-z0-9_]+$ (got \"Get-Conversation\")"},
    {"name_too_long", "conversations/get_conversation_with_a_very_long_name_xyz.json", "/name",
     "must be at most 41 characters (got 42)"},
    {"name_not_file_name", kGet, "/name", "must equal the file name 'get_conversation' (got 'get_conversations')"},
    {"toolset_not_folder", kGet, "/toolset", "must equal the folder name 'conversations' (got 'knowledge')"},
    {"unknown_toolset", "widgets/get_conversation.json", "/toolset",
     "unknown toolset 'widgets' (known: agents, articles, conversations, folders, knowledge, rules, sources, tags)"},
    {"bad_scope", kGet, "/scope", "must be one of read, write"},
    {"empty_title", kGet, "/title", "must not be empty"},
    {"empty_description", kGet, "/description", "must not be empty"},
    // 1501 x U+00E9: 3002 bytes, so this also proves the limit counts code points.
    {"long_description", kGet, "/description", "must be at most 1500 characters (got 1501)"},
    {"bad_method", kGet, "/request/method", "must be one of GET, POST, PUT, PATCH, DELETE"},
    {"bad_timeout", kGet, "/request/timeoutMs", "must be an integer between 1000 and 600000 (milliseconds)"},
    {"bad_response", kGet, "/request/response", "must be one of json, file"},
    {"path_query_string", kGet, "/request/path",
     "must not contain a query string or fragment (use \"in\": \"query\" properties)"},
    {"placeholder_without_property", kGet, "/request/path",
     "placeholder {messageId} has no matching \"in\": \"path\" property"},
    {"placeholder_matched_twice", kGet, "/request/path", "placeholder {id} is matched by 2 path properties: id, other"},
    {"path_property_unused", kGet, "/input/properties/extra/in",
     "no {extra} placeholder in /request/path for this path property"},
    {"path_property_optional", kGet, "/input/required", "path property 'id' must be required"},
    {"missing_in", kGet, "/input/properties/id/in", "is required (one of path, query, body, form)"},
    {"bad_in", kGet, "/input/properties/id/in", kInvalid},
    {"misplaced_private_keyword", kGet, "/input/properties/tags/items/in", "private keyword 'in" + kPrivate},
    {"private_keyword_in_output", kGet, "/output/properties/id/wireName", "private keyword 'wireName" + kPrivate},
    {"style_not_query", kGet, "/input/properties/tags/style", "only allowed on \"in\": \"query\" properties"},
    {"form_file_not_form", kGet, "/input/properties/file/formFile", "only allowed on \"in\": \"form\" properties"},
    {"body_and_form_mixed", kGet, "/input/properties/b/in",
     "cannot mix \"body\" and \"form\" properties in one tool (see 'a')"},
    {"duplicate_wire_name", kGet, "/input/properties/max/wireName",
     "wire name 'limit' is already used by query property 'limit'"},
    {"input_root_not_object", kGet, "/input/type", "must be \"object\""},
    {"input_uses_ref", kGet, "/input/properties/id/$ref", "unsupported keyword '$ref'"},
    {"input_does_not_compile", kGet, "/input/properties/id/minLength", "must be a non-negative integer"},
    {"array_without_items", kGet, "/input/properties/tags", "array schema must declare \"items\""},
    {"required_not_declared", kGet, "/input/required/1", "'ghost' is not a declared property"},
    {"output_root_not_object", kGet, "/output/type", "must be \"object\""},
    {"output_does_not_compile", kGet, "/output/properties/id/oneOf", "unsupported keyword 'oneOf'"},
    {"output_array_without_items", kGet, "/output/properties/messages", "array schema must declare \"items\""},
    {"wrap_missing_from_output", kGet, "/output/properties",
     "must declare the wrapped property 'conversation' (request.wrap)"},
    {"missing_annotations", kGet, "/annotations", "is required"},
    {"missing_read_only_hint", kGet, "/annotations/readOnlyHint", "is required"},
    {"missing_open_world_hint", kGet, "/annotations/openWorldHint", "is required"},
    {"missing_destructive_hint", kDelete, "/annotations/destructiveHint", "is required when readOnlyHint is false"},
    {"missing_idempotent_hint", kDelete, "/annotations/idempotentHint", "is required when readOnlyHint is false"},
    {"annotation_rule_violated", kDelete, "/annotations/destructiveHint",
     "must be true by rule '*delete': deletes cannot be undone and repeat harmlessly"},
    {"destructive_without_confirm", kDelete, "/confirm",
     "is required for a destructive tool (the question asked before it runs)"},
    {"non_canonical_id", kDelete, "/input/properties/interactionId",
     "id-like argument 'interactionId' must use the canonical name (agentId, conversationId, sourceId, articleId, "
     "folderId, ruleId, tagGroupId, tagId, jobIds, eventId, ...) with wireName for Fini's name"},
    {"read_only_write_scope", kGet, "/annotations/readOnlyHint", "must be false for a tool with scope 'write'"},
    {"unknown_annotation", kGet, "/annotations/costly",
     "unknown annotation (allowed: destructiveHint, idempotentHint, openWorldHint, readOnlyHint, title)"},
    {"paging_cursor_arg_undeclared", kGet, "/paging/cursorArg", "'cursor' is not a query property of input"},
    {"paging_items_not_array", kGet, "/paging/items", "'id' is not an array in output"},
    {"epoch_ms_without_iso", "conversations/list_conversations.json", "/input/properties/until/description",
     "must say that ISO 8601 dates are accepted (\"unit\": \"epoch-ms\")"},
    // Directory-wide rules.
    {"unknown_id_family_incomplete", "tags/delete_tag_group.json", "/request/unknownId",
     "is required: get_tag_group declares that /v2/tag-groups/{id} routes answer 500 for an unknown id (answers "
     "\"success\" if this route does not check the id)",
     2},
    {"description_names_wire_name", "sources/register_provider_resources.json", "/description",
     "names 'documentIdsToAdd', which is no argument of any tool and no field of any schema: it is Fini's wire name "
     "of the argument 'sourceIdsToAdd' (wire names go only in the \"(Fini: ...)\" note)",
     2},
    {"duplicate_name", "knowledge/get_conversation.json", "/name", "", 1},  // reason built in the test
    {"file_outside_toolset", "get_conversation.json", "", "manifest files must be at <toolset>/<tool_name>.json"},
    {"schema_file_rule", kGet, "/title", "manifest.schema.json: must be at most 10 characters long"},
    {"schema_file_unsupported", "manifest.schema.json", "/properties/name/$ref",
     "not usable by the server's validator: unsupported keyword '$ref'", 1},
};

class BrokenManifest : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenManifest, ReportsExactlyOneIssue) {
  const BrokenCase& c = GetParam();
  const fs::path dir = kBroken / c.name;
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  const LoadResult result = load_manifests(dir);
  std::string reason = c.reason;
  if (c.name == "duplicate_name") {
    reason = "duplicate tool name 'get_conversation' (also in " + (dir / kGet).generic_string() + ")";
  }
  std::vector<std::string> got;
  for (const auto& issue : result.issues) got.push_back(format_issue(issue));
  ASSERT_EQ(result.issues.size(), 1U) << ::testing::PrintToString(got);
  EXPECT_EQ(result.issues[0].file, (dir / c.file).generic_string());
  EXPECT_EQ(result.issues[0].pointer, c.pointer);
  EXPECT_EQ(result.issues[0].reason, reason);
  EXPECT_EQ(result.manifests.size(), c.loaded);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BrokenManifest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<BrokenCase>& param_info) { return param_info.param.name; });

// Every fixture folder has a row above (a fixture nobody asserts on proves nothing).
TEST(BrokenManifestFixtures, EveryFolderIsAsserted) {
  std::set<std::string> listed;
  for (const auto& c : kCases) listed.insert(c.name);
  std::set<std::string> on_disk;
  for (const auto& entry : fs::directory_iterator(kBroken)) on_disk.insert(entry.path().filename().string());
  EXPECT_EQ(on_disk, listed);
}

TEST(FormatIssue, WithAndWithoutPointer) {
  EXPECT_EQ(format_issue({"manifests/x/y.json", "/input/properties/id/in", kInvalid}),
            "manifests/x/y.json: /input/properties/id/in: must be one of path, query, body, form");
  EXPECT_EQ(format_issue({"manifests/x/y.json", "", "invalid JSON: boom"}), "manifests/x/y.json: invalid JSON: boom");
}

}  // namespace
}  // namespace fini::tools
