// What a person types at `fini-mcp export --since` and `fini-mcp call`: times and tool names.
#include <gtest/gtest.h>

#include "cli/time_spec.hpp"
#include "cli/tool_catalog.hpp"

namespace fini::cli {
namespace {

constexpr std::int64_t kNow = 1780000000000;  // 2026-05-28T20:26:40Z
constexpr std::int64_t kDay = 86400000;

TEST(TimeSpec, RelativeDatesDateTimesAndEpochMs) {
  EXPECT_EQ(*parse_time_spec("150d", kNow), kNow - 150 * kDay);
  EXPECT_EQ(*parse_time_spec("12h", kNow), kNow - 12 * 3600000);
  EXPECT_EQ(*parse_time_spec("2w", kNow), kNow - 14 * kDay);
  EXPECT_EQ(*parse_time_spec("2026-06-01", kNow), 1780272000000);
  EXPECT_EQ(*parse_time_spec("2026-06-01T12:30:00Z", kNow), 1780272000000 + 12 * 3600000 + 30 * 60000);
  EXPECT_EQ(*parse_time_spec("1780272000000", kNow), 1780272000000);
  EXPECT_EQ(utc_iso(1780272000000), "2026-06-01T00:00:00Z");
}

TEST(TimeSpec, AnythingElseIsRefusedWithTheFormsAccepted) {
  for (const char* bad :
       {"", "150", "150y", "yesterday", "2026-13-01", "2026-02-31", "2026-06-01T25:00:00Z", "-3d", "1e12"}) {
    auto r = parse_time_spec(bad, kNow);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("150d, 12h, 2w"), std::string::npos) << r.status().message();
  }
}

TEST(DidYouMean, TheNearestNamesOnly) {
  const std::vector<std::string> known = {"list_conversations", "get_conversation", "delete_conversation",
                                          "list_agents"};
  EXPECT_EQ(did_you_mean("list_conversation", known), " (did you mean list_conversations?)");
  EXPECT_EQ(did_you_mean("get_conversatoin", known), " (did you mean get_conversation?)");
  EXPECT_EQ(did_you_mean("list_agent", known), " (did you mean list_agents?)");
  EXPECT_EQ(did_you_mean("publish_everything", known), "");
}

}  // namespace
}  // namespace fini::cli
