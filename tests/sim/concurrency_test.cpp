// 200 concurrent write requests (separate connections) lose nothing and corrupt nothing.
#include <set>
#include <thread>

#include "sim_test_util.hpp"

namespace fini::sim::testing {
namespace {

class ConcurrencyTest : public SandboxTest {};

TEST_F(ConcurrencyTest, TwoHundredConcurrentWritesAllLand) {
  std::string conv = get("/v2/hc-interactions/public?limit=1").body["interactions"][0]["id"];
  size_t events_before = get("/v2/hc-interactions/" + conv + "/public").body["events"].size();
  size_t tags_before = get(std::string("/v2/tag-groups/") + kOrderIntentGroup + "/tags/public").body.size();
  constexpr int kN = 200;
  std::vector<int> status(kN, 0);
  std::vector<std::thread> threads;
  int port = sb_->port();
  for (int i = 0; i < kN; ++i) {
    threads.emplace_back([&, i] {
      httplib::Client cli("127.0.0.1", port);
      cli.set_connection_timeout(10, 0);
      cli.set_read_timeout(20, 0);
      cli.set_bearer_token_auth(kAcmeRw);
      auto r =
          i % 2 == 0
              ? cli.Post(std::string("/v2/tag-groups/") + kOrderIntentGroup + "/tags/public",
                         json{{"tagName", "tag-" + std::to_string(i)}}.dump(), "application/json")
              : cli.Post(
                    "/v2/hc-interactions/events/public",
                    json{{"content", "note-" + std::to_string(i)}, {"role", "agent"}, {"interactionId", conv}}.dump(),
                    "application/json");
      status[static_cast<size_t>(i)] = r ? r->status : -static_cast<int>(r.error());
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kN; ++i) EXPECT_EQ(status[static_cast<size_t>(i)], 200) << "request " << i;

  auto tags = get(std::string("/v2/tag-groups/") + kOrderIntentGroup + "/tags/public").body;
  ASSERT_EQ(tags.size(), tags_before + kN / 2);
  std::set<std::string> names, ids;
  for (const auto& t : tags) {
    names.insert(t["tagName"]);
    ids.insert(t["id"]);
  }
  EXPECT_EQ(ids.size(), tags.size());
  auto events = get("/v2/hc-interactions/" + conv + "/public").body["events"];
  ASSERT_EQ(events.size(), events_before + kN / 2);
  std::set<std::string> notes;
  for (const auto& e : events) notes.insert(e["message"]);
  for (int i = 0; i < kN; ++i) {
    if (i % 2 == 0) {
      EXPECT_TRUE(names.count("tag-" + std::to_string(i))) << i;
    } else {
      EXPECT_TRUE(notes.count("note-" + std::to_string(i))) << i;
    }
  }
}

}  // namespace
}  // namespace fini::sim::testing
