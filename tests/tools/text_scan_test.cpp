// The linter's hand-written scanners against the regular expressions they replace: fixed cases
// plus seeded random texts over an alphabet made of the patterns' own pieces.
#include "tools/text_scan.hpp"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

namespace fini::tools {
namespace {

std::string ref_without_notes(const std::string& text) {
  static const std::regex re(R"(\(Fini: [^)]*\))");
  return std::regex_replace(text, re, "");
}

std::vector<std::pair<std::string, bool>> ref_id_words(const std::string& clean) {
  static const std::regex re(R"(\b[a-z][A-Za-z0-9]*Ids?(ToAdd|ToRefresh)?\b)");
  std::vector<std::pair<std::string, bool>> out;
  for (std::sregex_iterator it(clean.begin(), clean.end(), re), end; it != end; ++it) {
    int depth = 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(it->position()); ++i) {
      depth += clean[i] == '{' ? 1 : clean[i] == '}' ? -1 : 0;
    }
    out.emplace_back(it->str(), depth > 0);
  }
  return out;
}

bool ref_id_like(const std::string& name) {
  static const std::regex re("^ids?$|Ids?(To[A-Z][A-Za-z]*)?$");
  return std::regex_search(name, re);
}

bool ref_canonical(const std::string& name) {
  static const std::regex re(
      "^((parent|default)(Folder|Rule)Id|(agent|conversation|source|article|folder|rule|"
      "tagGroup|tag|job|event)Ids?(ToAdd|ToRefresh)?)$");
  return std::regex_match(name, re);
}

std::vector<std::pair<std::string, std::string>> ref_placeholders(const std::string& text) {
  static const std::regex re("\\{(count:)?([A-Za-z0-9_]+)\\}");
  std::vector<std::pair<std::string, std::string>> out;
  for (auto m = std::sregex_iterator(text.begin(), text.end(), re); m != std::sregex_iterator(); ++m) {
    out.emplace_back((*m)[0].str().substr(1, (*m)[0].length() - 2), (*m)[2].str());
  }
  return out;
}

void expect_same(const std::string& text) {
  const std::string clean = without_wire_notes(text);
  ASSERT_EQ(clean, ref_without_notes(text)) << text;
  std::vector<std::pair<std::string, bool>> words;
  for (const auto& w : id_like_words(clean)) words.emplace_back(w.name, w.in_shape);
  EXPECT_EQ(words, ref_id_words(clean)) << text;
  EXPECT_EQ(id_like_name(text), ref_id_like(text)) << text;
  EXPECT_EQ(canonical_id_name(text), ref_canonical(text)) << text;
  std::vector<std::pair<std::string, std::string>> places;
  for (const auto& p : placeholders_in(text)) places.emplace_back(p.inner, p.name);
  EXPECT_EQ(places, ref_placeholders(text)) << text;
}

TEST(TextScan, FixedCasesMatchTheRegularExpressions) {
  for (const std::string text : {"",
                                 "id",
                                 "ids",
                                 "Id",
                                 "agentId",
                                 "agentIds",
                                 "sourceIdsToAdd",
                                 "sourceIdsToRefresh",
                                 "tagGroupId",
                                 "tagGroupIdsToAdd",
                                 "parentFolderId",
                                 "defaultRuleId",
                                 "parentTagId",
                                 "documentIdsToAdd",
                                 "fooIdToX",
                                 "fooIdToXy",
                                 "fooIdTo",
                                 "fooIdsTox",
                                 "xIdsIds",
                                 "agent_Id",
                                 "agentId_",
                                 "_agentId",
                                 "AgentId",
                                 "9agentId",
                                 "Returns {agentId, items: [{tagId}]} for agentId.",
                                 "See (Fini: documentIds) and sourceIds.",
                                 "(Fini: a) ruleId (Fini: b",
                                 "(Fini: (Fini: x) y) folderId",
                                 "{count:ids} of {ids}",
                                 "{count:} {count}",
                                 "{{a}} {a b} {count:x_y}{z}",
                                 "caf\xc3\xa9Id r\xc3\xa9Id",
                                 "jobIdToAdd jobIdsToRefresh eventIdToRefresh"}) {
    expect_same(text);
  }
}

TEST(TextScan, RandomTextsMatchTheRegularExpressions) {
  const std::vector<std::string> pieces = {
      "a",     "z",        "A",      "Q",        "0",    "_",       " ",      "{",     "}",         "(",  ")",
      ":",     ".",        "-",      "\xc3\xa9", "Id",   "Ids",     "To",     "ToAdd", "ToRefresh", "id", "ids",
      "agent", "tagGroup", "parent", "Folder",   "Rule", "(Fini: ", "count:", "s",     "x"};
  std::mt19937 rng(20261206);
  std::uniform_int_distribution<std::size_t> piece(0, pieces.size() - 1), length(0, 12);
  for (int n = 0; n < 1500; ++n) {
    std::string text;
    for (std::size_t k = length(rng); k > 0; --k) text += pieces[piece(rng)];
    expect_same(text);
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace fini::tools
