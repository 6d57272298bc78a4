// The drift guard: lossless coercions (digit string → integer, number → string), the error result
// that carries Fini's JSON when nothing converts, pointers and types (never values) in the drift,
// and the per-tool counter.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/schema_drift.hpp"
#include "tools/output_check.hpp"

namespace fini::tools {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const json kSchema = json::parse(R"({"type":"object","properties":{
  "createdAt":{"type":"integer"}, "title":{"type":["string","null"]}, "hasMore":{"type":"boolean"},
  "items":{"type":"array","items":{"type":"object","properties":{"n":{"type":"integer"}}}}}})");

OutputCheck check() { return std::move(*OutputCheck::compile(kSchema)); }

json result_of(const json& structured) {
  return json{{"content", json::array({json{{"type", "text"}, {"text", structured.dump()}}})},
              {"structuredContent", structured}};
}

TEST(OutputCheck, ConformingAnswersPassUntouched) {
  const json r = result_of(json{{"createdAt", 5}, {"title", nullptr}, {"items", json::array({json{{"n", 1}}})}});
  EXPECT_EQ(guard_output("t_ok", check(), r), r);
  EXPECT_EQ(schema_drift_counts().count("t_ok"), 0u);
}

TEST(OutputCheck, DigitStringsAndNumbersConvertWithoutLoss) {
  json s{{"createdAt", "1747075200000"}, {"title", 42}, {"items", json::array({json{{"n", "-7"}}})}};
  const auto drift = check().coerce(s);
  ASSERT_EQ(drift.size(), 3u);
  for (const auto& d : drift) EXPECT_TRUE(d.coerced) << describe(d);
  EXPECT_EQ(s["createdAt"], 1747075200000LL);
  EXPECT_EQ(s["title"], "42");
  EXPECT_EQ(s["items"][0]["n"], -7);
  EXPECT_EQ(describe(drift[0]), "/createdAt: expected integer, found string");
}

TEST(OutputCheck, WhatWouldLoseSomethingIsNotConverted) {
  for (const char* text : {"007", "12.5", "1e3", "", "-", "99999999999999999999", " 1"}) {
    json s{{"createdAt", text}};
    const auto drift = check().coerce(s);
    ASSERT_EQ(drift.size(), 1u) << text;
    EXPECT_FALSE(drift[0].coerced) << text;
    EXPECT_EQ(s["createdAt"], text);
  }
}

TEST(OutputCheck, CoercedResultIsSentWithANoteAndCounted) {
  const auto before = schema_drift_counts()["t_coerced"];
  json r = guard_output("t_coerced", check(), result_of(json{{"createdAt", "12"}}));
  EXPECT_FALSE(r.value("isError", false));
  EXPECT_EQ(r["structuredContent"]["createdAt"], 12);
  EXPECT_EQ(json::parse(r["content"][0]["text"].get<std::string>())["createdAt"], 12);
  EXPECT_THAT(r["content"][1]["text"].get<std::string>(),
              HasSubstr("/createdAt was a string where the schema says integer"));
  EXPECT_EQ(schema_drift_counts()["t_coerced"], before + 1);
}

TEST(OutputCheck, UnconvertibleDriftBecomesAnErrorResultWithFinisJson) {
  const json structured{{"hasMore", "true"}, {"createdAt", 3}};
  json r = guard_output("t_error", check(), result_of(structured));
  EXPECT_TRUE(r["isError"].get<bool>());
  EXPECT_FALSE(r.contains("structuredContent"));
  const std::string text = r["content"][0]["text"];
  const auto newline = text.find('\n');
  EXPECT_THAT(text.substr(0, newline),
              StartsWith("Fini's answer does not match the outputSchema of t_error at /hasMore: "
                         "expected boolean, found string"));
  EXPECT_THAT(text.substr(0, newline), HasSubstr("fini-mcp doctor"));
  EXPECT_EQ(json::parse(text.substr(newline + 1)), structured);
  EXPECT_EQ(schema_drift_counts()["t_error"], 1u);
}

TEST(OutputCheck, DriftNamesTypesNeverValues) {
  json s{{"items", "secret customer text"}};
  const auto drift = check().drift_of(s);
  ASSERT_EQ(drift.size(), 1u);
  EXPECT_EQ(describe(drift[0]), "/items: expected array, found string");
  EXPECT_THAT(describe(drift[0]), ::testing::Not(HasSubstr("secret")));
}

TEST(OutputCheck, APageOfDriftIsNotedBriefly) {
  json items = json::array();
  for (int i = 0; i < 20; ++i) items.push_back(json{{"n", std::to_string(i)}});
  json r = guard_output("t_page", check(), result_of(json{{"items", items}}));
  ASSERT_FALSE(r.value("isError", false));
  EXPECT_EQ(r["structuredContent"]["items"][19]["n"], 19);
  EXPECT_THAT(r["content"][1]["text"].get<std::string>(),
              HasSubstr("/items/4/n was a string where the schema says integer; and 15 more)"));
}

TEST(OutputCheck, ErrorResultsAreNotChecked) {
  json r = result_of(json{{"hasMore", "x"}});
  r["isError"] = true;
  EXPECT_EQ(guard_output("t_is_error", check(), r), r);
}

}  // namespace
}  // namespace fini::tools
