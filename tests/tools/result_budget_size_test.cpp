// compact_size counts what dump() would write without building it; fit_and_serialize returns the
// text of the fitted value, made once when it is already under budget.
#include "tools/result_budget.hpp"

#include <gtest/gtest.h>

namespace fini::tools {
namespace {

using nlohmann::json;

std::string dumped(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

TEST(CompactSize, MatchesTheSerializedLength) {
  const std::vector<json> values = {
      json(nullptr),
      json(true),
      json(-12345),
      json(18446744073709551615ull),
      json(0.1),
      json(1e300),
      json("caf\u00e9 \"q\" \\ \n\t\x01 \u65e5"),
      json(std::string("bad \xff\xfe utf-8")),
      json::array(),
      json::object(),
      json{{"a", json::array({1, "two", json{{"k\u00e9y", nullptr}}})}, {"b", {{"c", 2.5}}}},
  };
  for (const auto& v : values) EXPECT_EQ(compact_size(v), dumped(v).size()) << dumped(v);
}

TEST(FitAndSerialize, UnderBudgetIsTheDumpUnchanged) {
  json v = {{"items", json::array({1, 2, 3})}};
  const json before = v;
  FittedText out = fit_and_serialize(v, 1000, BudgetHints{});
  EXPECT_TRUE(out.budget.fits);
  EXPECT_FALSE(out.budget.note.has_value());
  EXPECT_EQ(out.text, dumped(before));
  EXPECT_EQ(out.budget.original_bytes, out.text.size());
  EXPECT_EQ(v, before);
}

TEST(FitAndSerialize, OverBudgetTrimsThenSerializesTheTrimmedValue) {
  json v = {{"items", json::array()}};
  for (int i = 0; i < 100; ++i) v["items"].push_back(std::string(50, 'a'));
  const std::size_t original = dumped(v).size();
  FittedText out = fit_and_serialize(v, 600, BudgetHints{true, false, false});
  EXPECT_TRUE(out.budget.fits);
  EXPECT_EQ(out.budget.original_bytes, original);
  EXPECT_EQ(out.text, dumped(v));
  EXPECT_LE(out.text.size(), 600u);
  ASSERT_TRUE(out.budget.note.has_value());
  EXPECT_NE(out.budget.note->find("call again with limit"), std::string::npos);
}

TEST(FitAndSerialize, WhatCannotFitHasNoText) {
  json v = {{"one", std::string(5000, 'z')}, {"two", std::string(5000, 'y')}};
  FittedText out = fit_and_serialize(v, 100, BudgetHints{});
  EXPECT_FALSE(out.budget.fits);
  EXPECT_TRUE(out.text.empty());
  ASSERT_TRUE(out.budget.note.has_value());
}

}  // namespace
}  // namespace fini::tools
