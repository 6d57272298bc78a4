// The result budget, the fields projection and the redaction of every string, with exact notes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "common/logging.hpp"
#include "common/redact.hpp"
#include "support/temp_dir.hpp"
#include "tools/result_budget.hpp"

namespace fini::tools {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json page(int n, std::size_t text_bytes) {
  json items = json::array();
  for (int i = 0; i < n; ++i)
    items.push_back(json{{"id", "c" + std::to_string(i)}, {"text", std::string(text_bytes, 'x')}});
  return json{{"interactions", items}, {"hasMore", true}, {"nextCursor", "c99"}};
}

TEST(ResultBudget, UnderTheBudgetNothingChanges) {
  json r = page(3, 10);
  const json before = r;
  auto out = fit_to_budget(r, 4096, {});
  EXPECT_TRUE(out.fits);
  EXPECT_FALSE(out.note.has_value());
  EXPECT_EQ(r, before);
}

TEST(ResultBudget, TheLargestArrayIsCutToWhatFitsWithANote) {
  json r = page(100, 1000);  // ~103 KB
  auto out = fit_to_budget(r, 48 * 1024, BudgetHints{true, true, true});
  ASSERT_TRUE(out.fits);
  EXPECT_LE(r.dump().size(), 48u * 1024u);
  const auto kept = r["interactions"].size();
  EXPECT_GT(kept, 40u);
  EXPECT_LT(kept, 50u);
  EXPECT_EQ(r["interactions"][0]["id"], "c0");  // a prefix, in order
  EXPECT_EQ(r["nextCursor"], "c99");            // other fields untouched
  EXPECT_EQ(*out.note, "Showing the first " + std::to_string(kept) +
                           " of 100 \"interactions\" items: the full result is " +
                           std::to_string((out.original_bytes + 1023) / 1024) +
                           " KB, more than the 48 KB a tool result may carry. For the rest, call again with limit: " +
                           std::to_string(kept) +
                           " (page on with the cursor as usual), or pass fields: [\"…\"] to get "
                           "only the fields you need.");
}

TEST(ResultBudget, ASingleHugeItemHasItsLongStringsShortened) {
  json r{{"article", {{"id", "a1"}, {"body", std::string(200000, 'y')}}}};
  auto out = fit_to_budget(r, 16 * 1024, {});
  ASSERT_TRUE(out.fits);
  EXPECT_LE(r.dump().size(), 16u * 1024u);
  EXPECT_THAT(r["article"]["body"].get<std::string>(), HasSubstr("more bytes]"));
  EXPECT_THAT(*out.note, HasSubstr("long text value(s) were shortened"));
}

TEST(ResultBudget, ShorteningNeverSplitsAUtf8Character) {
  std::string body;
  for (int i = 0; i < 30000; ++i) body += "é";
  json r{{"body", body}};
  ASSERT_TRUE(fit_to_budget(r, 8 * 1024, {}).fits);
  const std::string out = r["body"];
  EXPECT_NO_THROW(json(out).dump());  // strict: throws on a split character
}

TEST(ResultBudget, WhatCannotBeTrimmedIsRefusedWithWhatToNarrow) {
  json r = json::object();
  for (int i = 0; i < 5000; ++i) r["k" + std::to_string(i)] = i;
  auto out = fit_to_budget(r, 4096, BudgetHints{false, false, false});
  EXPECT_FALSE(out.fits);
  EXPECT_THAT(*out.note, HasSubstr("even after trimming; narrow the request (filters, fewer ids)."));
}

TEST(ProjectFields, KeepsOnlyTheNamedFieldsOfEachItem) {
  json r = page(2, 5);
  EXPECT_FALSE(project_fields(r, "interactions", {"id"}).has_value());
  EXPECT_EQ(r["interactions"], json::parse(R"([{"id":"c0"},{"id":"c1"}])"));
  EXPECT_TRUE(r.contains("hasMore"));
  json single{{"id", "x"}, {"name", "n"}, {"secret", 1}};
  project_fields(single, ".", {"id", "name"});
  EXPECT_EQ(single, json::parse(R"({"id":"x","name":"n"})"));
}

TEST(ProjectFields, UnknownFieldsSayWhichExist) {
  json r = page(1, 5);
  auto note = project_fields(r, "interactions", {"nope"});
  ASSERT_TRUE(note.has_value());
  EXPECT_EQ(*note, "None of the requested fields exist in these items; their fields are: id, text.");
}

TEST(RedactJson, EveryStringAndKeyIsScrubbed) {
  const std::string key = "fini_live_Zq8KpL2mN4xR7tY9wB3c";
  json echoed{{"headers", {{"authorization", "Bearer " + key}, {key, "as a key"}}},
              {"list", json::array({"x " + key + " y", 1, nullptr})},
              {"other", "Bearer abc.def-ghi"}};
  redact_json(echoed, key);
  const std::string text = echoed.dump();
  EXPECT_EQ(text.find(key), std::string::npos) << text;
  EXPECT_EQ(text.find("abc.def-ghi"), std::string::npos) << text;
  EXPECT_EQ(echoed["list"][1], 1);
}

TEST(LogRedaction, KeysNeverReachTheLog) {
  test::TempDir dir;
  const auto file = (dir.path() / "log.txt").string();
  setup_logging(LogOptions{"info", file}, [](std::string_view text) { return redact(text); });
  spdlog::warn("upstream said: Authorization: Bearer fini_live_Zq8KpL2mN4xR7tY9wB3c");
  spdlog::default_logger()->flush();
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_THAT(ss.str(), HasSubstr("upstream said: Authorization: Bearer fini_"));
  EXPECT_EQ(ss.str().find("Zq8KpL2mN4xR7tY9wB3c"), std::string::npos) << ss.str();
  setup_logging(LogOptions{"warning", ""});
}

}  // namespace
}  // namespace fini::tools
