// --state: loaded at start when present, rewritten atomically after each successful write.
#include <filesystem>
#include <fstream>

#include "sim_test_util.hpp"
#include "temp_dir.hpp"

namespace fini::sim::testing {
namespace {

class PersistenceTest : public SandboxTest {
 protected:
  void SetUp() override {}
  TempDir dir_;
};

TEST_F(PersistenceTest, WritesSurviveARestart) {
  SandboxOptions o = test_options();
  o.state_file = dir_.file("state.json");
  start(o);
  EXPECT_FALSE(std::filesystem::exists(o.state_file));  // reads do not write
  ASSERT_EQ(get("/v2/bots/public").status, 200);
  EXPECT_FALSE(std::filesystem::exists(o.state_file));
  auto group = post("/v2/tag-groups/public", {{"title", "Persisted"}});
  ASSERT_EQ(group.status, 200);
  std::string conv = get("/v2/hc-interactions/public?limit=1").body["interactions"][0]["id"];
  ASSERT_EQ(del("/v2/hc-interactions/" + conv + "/public").status, 200);
  EXPECT_TRUE(std::filesystem::exists(o.state_file));
  // A failed write (400) does not rewrite the file.
  auto before = std::filesystem::last_write_time(o.state_file);
  EXPECT_EQ(post("/v2/tag-groups/public", json::object()).status, 400);
  EXPECT_EQ(std::filesystem::last_write_time(o.state_file), before);
  sb_->stop();
  // Only the state file: the temp file was renamed into place.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
    ++files;
    EXPECT_EQ(e.path().filename(), "state.json");
  }
  EXPECT_EQ(files, 1);

  o.now_ms = kNow + 5 * kDay;  // a later restart does not reseed
  start(o);
  auto again = get("/v2/tag-groups/" + group.body["id"].get<std::string>() + "/public");
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.body["title"], "Persisted");
  EXPECT_TRUE(is_envelope(get("/v2/hc-interactions/" + conv + "/public"), 500));
  EXPECT_EQ(get("/v2/bots/public").body.size(), 3u);
}

TEST_F(PersistenceTest, JobsKeepProgressingAcrossARestart) {
  SandboxOptions o = test_options();
  o.state_file = dir_.file("state.json");
  start(o);
  auto r = post("/v2/documents/public", {{"documentIdsToAdd", {"https://help.acme.test/a"}}});
  std::string id = r.body["addedDocumentIds"][0];
  sb_->stop();
  o.now_ms = kNow + 2 * kStep;
  start(o);
  EXPECT_EQ(get("/v2/documents/public/" + id).body["linkedJobStatus"], "COMPLETED");
}

TEST_F(PersistenceTest, CorruptStateFileFailsStartWithAMessage) {
  SandboxOptions o = test_options();
  o.state_file = dir_.file("state.json");
  std::ofstream(o.state_file) << "{\"version\": 1, \"workspaces\": ";
  auto s = Sandbox::start(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "state file " + o.state_file + " is not valid JSON");
  std::ofstream(o.state_file, std::ios::trunc) << "{\"version\": 2}";
  s = Sandbox::start(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "state: not a version-1 sandbox state file");
}

TEST_F(PersistenceTest, SeedsAreDeterministicForAPinnedNow) {
  SandboxOptions o = test_options();
  start(o);
  std::string first = get("/v2/hc-interactions/public?limit=100").raw;
  std::string docs = get("/v2/documents/public?limit=100").raw;
  start(o);
  EXPECT_EQ(get("/v2/hc-interactions/public?limit=100").raw, first);
  EXPECT_EQ(get("/v2/documents/public?limit=100").raw, docs);
}

TEST_F(PersistenceTest, FixturesDirectoryOverridesTheBuiltInCopy) {
  SandboxOptions o = test_options();
  o.fixtures_dir = std::string(FINI_SOURCE_DIR) + "/sim/fixtures";
  start(o);
  EXPECT_EQ(get("/v2/bots/public").body.size(), 3u);
  // A directory with only a tiny workspace and keys.
  std::ofstream(dir_.file("keys.json"))
      << R"({"keys":[{"key":"fini_tiny_key_00000001","workspace":"tiny","scopes":["read"]}]})";
  std::ofstream(dir_.file("tiny.json"))
      << R"({"workspace":"tiny","agents":[{"id":"00000000-0000-4000-8000-0000000000a1","name":"Solo","createdAgoDays":1}]})";
  o.fixtures_dir = dir_.path();
  start(o);
  auto r = get("/v2/bots/public", "fini_tiny_key_00000001");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body[0]["name"], "Solo");
  EXPECT_TRUE(is_envelope(get("/v2/bots/public", kAcmeRead), 401));
  o.fixtures_dir = dir_.file("missing");
  EXPECT_FALSE(Sandbox::start(o).ok());
}

}  // namespace
}  // namespace fini::sim::testing
