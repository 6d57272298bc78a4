// Cursor paging over conversations (newest first; next = older, previous = newer) and sources
// (updatedAt desc, externalId desc; only hasMore): complete, stable, no duplicates in both directions.
#include <set>

#include "sim_test_util.hpp"

namespace fini::sim::testing {
namespace {

class PaginationTest : public SandboxTest {
 protected:
  std::string window() { return "since=" + std::to_string(kNow - 90 * kDay) + "&until=" + std::to_string(kNow); }
  // Everything in the 90-day window, newest first, by walking with limit=100.
  std::vector<json> all_in_window() {
    std::vector<json> out;
    std::string cursor;
    for (int guard = 0; guard < 10; ++guard) {
      auto r = get("/v2/hc-interactions/public?limit=100&" + window() + (cursor.empty() ? "" : "&cursor=" + cursor));
      EXPECT_EQ(r.status, 200);
      out.insert(out.end(), r.body["interactions"].begin(), r.body["interactions"].end());
      if (r.body["nextCursor"].is_null()) break;
      cursor = r.body["nextCursor"];
    }
    return out;
  }
};

int64_t last_event_ms(const json& c) { return c["events"].back()["createdAt"].get<int64_t>(); }

TEST_F(PaginationTest, SeedSpreadsOver150Days) {
  // 320 conversations over 150 days: the full span needs two 90-day windows.
  std::set<std::string> ids;
  for (int64_t until : {kNow, kNow - 90 * kDay}) {
    std::string cursor;
    while (true) {
      std::string q = "/v2/hc-interactions/public?limit=100&since=" + std::to_string(until - 90 * kDay) +
                      "&until=" + std::to_string(until) + (cursor.empty() ? "" : "&cursor=" + cursor);
      auto r = get(q);
      ASSERT_EQ(r.status, 200);
      for (const auto& c : r.body["interactions"]) ids.insert(c["id"].get<std::string>());
      if (r.body["nextCursor"].is_null()) break;
      cursor = r.body["nextCursor"];
    }
  }
  EXPECT_EQ(ids.size(), 320u);
  auto week = get("/v2/hc-interactions/public?limit=100");
  EXPECT_GT(week.body["interactions"].size(), 0u);
  EXPECT_LT(week.body["interactions"].size(), 40u);
  for (const auto& c : week.body["interactions"]) EXPECT_GE(last_event_ms(c), kNow - 7 * kDay);
}

TEST_F(PaginationTest, ConversationsWalkOlderWithNextAndBackWithPrevious) {
  auto expected = all_in_window();
  ASSERT_GT(expected.size(), 100u);
  for (size_t i = 1; i < expected.size(); ++i) EXPECT_GE(last_event_ms(expected[i - 1]), last_event_ms(expected[i]));

  // Forward (older) with limit 7.
  std::vector<std::string> forward;
  std::vector<std::pair<json, json>> cursors;  // (prevCursor, nextCursor) per page
  std::string cursor;
  for (int pages = 0; pages < 100; ++pages) {
    auto r = get("/v2/hc-interactions/public?limit=7&" + window() +
                 (cursor.empty() ? "" : "&direction=next&cursor=" + cursor));
    ASSERT_EQ(r.status, 200);
    for (const auto& c : r.body["interactions"]) forward.push_back(c["id"]);
    cursors.push_back({r.body["prevCursor"], r.body["nextCursor"]});
    EXPECT_EQ(r.body["hasMore"].get<bool>(), !r.body["nextCursor"].is_null());
    if (r.body["nextCursor"].is_null()) break;
    cursor = r.body["nextCursor"];
  }
  ASSERT_EQ(forward.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(forward[i], expected[i]["id"]);
  EXPECT_TRUE(cursors.front().first.is_null());  // first page: nothing newer
  EXPECT_TRUE(cursors.back().second.is_null());  // last page: nothing older

  // Backward (newer) from the last page's prevCursor.
  std::vector<std::string> backward;
  cursor = cursors.back().first.get<std::string>();
  std::vector<std::string> last_page(forward.end() - static_cast<long>(forward.size() - (cursors.size() - 1) * 7),
                                     forward.end());
  for (int pages = 0; pages < 100; ++pages) {
    auto r = get("/v2/hc-interactions/public?limit=7&direction=previous&" + window() + "&cursor=" + cursor);
    ASSERT_EQ(r.status, 200);
    ASSERT_EQ(r.body["interactions"].size(), 7u);
    // Pages stay newest-first; prepend them.
    std::vector<std::string> page;
    for (const auto& c : r.body["interactions"]) page.push_back(c["id"]);
    backward.insert(backward.begin(), page.begin(), page.end());
    EXPECT_EQ(r.body["hasMore"].get<bool>(), !r.body["prevCursor"].is_null());
    if (r.body["prevCursor"].is_null()) break;
    cursor = r.body["prevCursor"];
  }
  backward.insert(backward.end(), last_page.begin(), last_page.end());
  EXPECT_EQ(backward, forward);
}

TEST_F(PaginationTest, FiltersCombineWithPaging) {
  auto r = get("/v2/hc-interactions/public?limit=100&source=zendesk,intercom&channel=email&channel=chat&" + window());
  ASSERT_EQ(r.status, 200);
  ASSERT_GT(r.body["interactions"].size(), 0u);
  for (const auto& c : r.body["interactions"]) {
    EXPECT_TRUE(c["source"] == "zendesk" || c["source"] == "intercom");
    EXPECT_TRUE(c["channel"] == "email" || c["channel"] == "chat");
  }
  auto by_agent = get(std::string("/v2/hc-interactions/public?limit=100&agentId=") + kBillingBot + "&" + window());
  ASSERT_GT(by_agent.body["interactions"].size(), 0u);
  EXPECT_LT(by_agent.body["interactions"].size(), all_in_window().size());
}

TEST_F(PaginationTest, SourcesWalkBothDirectionsWithOnlyHasMore) {
  auto all = get("/v2/documents/public?limit=100");
  ASSERT_EQ(all.status, 200);
  const auto& docs = all.body["documents"];
  ASSERT_GE(docs.size(), 14u);
  EXPECT_FALSE(all.body["hasMore"].get<bool>());
  EXPECT_FALSE(all.body.contains("nextCursor"));
  for (size_t i = 1; i < docs.size(); ++i) {
    auto a = docs[i - 1], b = docs[i];
    bool ordered =
        a["updatedAt"] > b["updatedAt"] || (a["updatedAt"] == b["updatedAt"] && a["externalId"] >= b["externalId"]);
    EXPECT_TRUE(ordered) << a["id"] << " before " << b["id"];
  }
  std::vector<json> forward;
  std::string cursor;
  while (true) {
    auto r =
        get("/v2/documents/public?limit=4" + (cursor.empty() ? std::string() : "&direction=next&cursor=" + cursor));
    ASSERT_EQ(r.status, 200);
    for (const auto& d : r.body["documents"]) forward.push_back(d["id"]);
    if (!r.body["hasMore"].get<bool>()) break;
    cursor = r.body["documents"].back()["id"];
  }
  ASSERT_EQ(forward.size(), docs.size());
  for (size_t i = 0; i < docs.size(); ++i) EXPECT_EQ(forward[i], docs[i]["id"]);
  std::vector<json> backward;
  cursor = docs.back()["id"];
  backward.push_back(cursor);
  while (true) {
    auto r = get("/v2/documents/public?limit=4&direction=previous&cursor=" + cursor);
    ASSERT_EQ(r.status, 200);
    backward.insert(backward.begin(), r.body["documents"].begin(), r.body["documents"].end());
    if (!r.body["hasMore"].get<bool>()) break;
    cursor = r.body["documents"].front()["id"];
  }
  std::vector<json> back_ids;
  for (const auto& d : backward) back_ids.push_back(d.is_object() ? d["id"] : d);
  EXPECT_EQ(back_ids, forward);
}

TEST_F(PaginationTest, SourceFilters) {
  auto web = get("/v2/documents/public?source=web&limit=100");
  for (const auto& d : web.body["documents"]) EXPECT_EQ(d["source"], "web");
  auto changed = get("/v2/documents/public?changed=true&limit=100");
  ASSERT_EQ(changed.body["documents"].size(), 3u);  // returns, warranty, changing-your-address
  for (const auto& d : changed.body["documents"]) EXPECT_TRUE(d["changed"].get<bool>());
}

}  // namespace
}  // namespace fini::sim::testing
