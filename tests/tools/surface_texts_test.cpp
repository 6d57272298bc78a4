// The surface a model calls right: the coercions the validator declares, seconds-vs-milliseconds, error texts keyed
// to the next step, the confirmation question, and the surface policy on the real manifests.
#include <gtest/gtest.h>

#include <regex>

#include "schema/validator.hpp"
#include "tools/confirmation.hpp"
#include "tools/error_texts.hpp"
#include "tools/manifest.hpp"

namespace fini::tools {
namespace {

using nlohmann::json;

const Manifest& tool(const std::string& name) {
  static const LoadResult loaded = load_manifests(FINI_MANIFESTS_DIR);
  for (const auto& m : loaded.manifests) {
    if (m.name == name) return m;
  }
  throw std::runtime_error("no manifest " + name);
}

TEST(Coercion, CommaSeparatedStringBecomesTheItems) {
  std::vector<schema::Coercion> notes;
  const json out = tool("list_conversations").validator->coerce(json{{"source", "zendesk, intercom"}}, notes);
  EXPECT_EQ(out["source"], json({"zendesk", "intercom"}));
  ASSERT_EQ(notes.size(), 1U);
  EXPECT_EQ(notes[0].pointer, "/source");
  EXPECT_EQ(notes[0].message,
            R"(the string "zendesk, intercom" was read as ["zendesk","intercom"] (comma-separated items))");
}

TEST(Coercion, NumericStringBecomesAnInteger) {
  std::vector<schema::Coercion> notes;
  const json out = tool("list_conversations").validator->coerce(json{{"limit", "100"}}, notes);
  EXPECT_EQ(out["limit"], 100);
  ASSERT_EQ(notes.size(), 1U);
  EXPECT_EQ(notes[0].message, R"(the string "100" was read as the integer 100)");
}

TEST(Coercion, NothingElseIsGuessed) {
  std::vector<schema::Coercion> notes;
  const json in{{"limit", "ten"}, {"since", "2026-05-01"}, {"direction", "next"}, {"agentId", "123"}};
  EXPECT_EQ(tool("list_conversations").validator->coerce(in, notes), in);  // agentId is a string
  EXPECT_TRUE(notes.empty());
  const json flag{{"changed", "true"}};
  EXPECT_EQ(tool("list_sources").validator->coerce(flag, notes), flag);  // no boolean guessing
  EXPECT_TRUE(notes.empty());
}

TEST(EpochMs, SecondsAreRefusedWithTheMillisecondValue) {
  const auto errors =
      epoch_ms_errors(tool("list_conversations"), json{{"since", 1777593600}, {"until", 1780272000000}});
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0], "/since: 1777593600: this looks like seconds; Fini wants milliseconds: 1777593600000");
  EXPECT_TRUE(epoch_ms_errors(tool("list_conversations"), json{{"since", 100000000000}}).empty());
}

TEST(UnknownId, FiveHundredOnADeclaredRouteSaysListThem) {
  rest::HttpResponse r;
  r.status = 500;
  r.body = R"({"statusCode":500,"message":"Internal Server Error","error":"Internal Server Error"})";
  EXPECT_EQ(unknown_id_text(tool("get_conversation"), r),
            "No such conversation; list them with list_conversations and call again with an id from there. "
            "(GET /v2/hc-interactions/{id}/public answers 500 when the id is unknown, deleted or in another "
            "workspace.)");
  EXPECT_EQ(unknown_id_text(tool("list_conversations"), r), std::nullopt);  // not declared: a real 5xx
}

TEST(UnknownId, NullOnADeclaredRouteSaysListThem) {
  rest::HttpResponse r;
  r.status = 200;
  r.body = "null";
  auto text = unknown_id_text(tool("get_tag"), r);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->rfind("No such tag; list them with list_tags_in_group", 0), 0U);
  EXPECT_EQ(text->find("retryable"), std::string::npos);
  r.body = R"({"id":"t"})";
  EXPECT_EQ(unknown_id_text(tool("get_tag"), r), std::nullopt);
}

TEST(KeyRejected, SaysWhereTheKeyComesFromWithoutLoginAdvice) {
  rest::HttpResponse r;
  r.status = 401;
  const std::string text = key_rejected_text(tool("list_agents"), r, "The key comes from X: replace it there.");
  EXPECT_EQ(text,
            "Fini API error 401 Unauthorized (GET /v2/bots/public): the API key was rejected (revoked or "
            "invalid). The key comes from X: replace it there.");
}

TEST(Confirmation, QuestionsSayExactlyWhatWillHappen) {
  json ids = json::array();
  for (int i = 1; i <= 12; ++i) ids.push_back("c" + std::to_string(i));
  EXPECT_EQ(confirmation_question(tool("bulk_delete_conversations"), json{{"conversationIds", ids}}),
            "Delete 12 conversations (ids c1, c2, c3, c4, c5, c6, c7, c8, c9, c10 and 2 more)? This cannot be "
            "undone, and it is not atomic: accessible ids are deleted even if others fail.");
  EXPECT_EQ(confirmation_question(tool("publish_rule_draft"), json{{"ruleId", "r1"}, {"agentIds", {"a1"}}}),
            "Publish rule r1 live for agent(s) a1?");
}

TEST(SurfacePolicy, EveryIdLikeArgumentIsCanonicalAndEveryDestructiveToolAsks) {
  const LoadResult loaded = load_manifests(FINI_MANIFESTS_DIR);
  ASSERT_TRUE(loaded.issues.empty());
  const std::regex id_like("^ids?$|Ids?(To[A-Z][A-Za-z]*)?$");
  const std::regex canonical(
      "^((parent|default)(Folder|Rule)Id|(agent|conversation|source|article|folder|rule|tagGroup|tag|job|event)"
      "Ids?(ToAdd|ToRefresh)?)$");
  int id_args = 0;
  for (const auto& m : loaded.manifests) {
    for (const auto& p : m.params) {
      if (!std::regex_search(p.name, id_like)) continue;
      ++id_args;
      EXPECT_TRUE(std::regex_match(p.name, canonical)) << m.name << "." << p.name;
    }
    EXPECT_EQ(m.destructive(), !m.confirm.empty()) << m.name;
  }
  EXPECT_GT(id_args, 30);
}

}  // namespace
}  // namespace fini::tools
