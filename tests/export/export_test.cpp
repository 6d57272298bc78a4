// The pager, writers and query guard of server/export/, driven by a fake page source (no sockets).
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "export/exporter.hpp"
#include "export/pager.hpp"
#include "export/query.hpp"
#include "export/writers.hpp"
#include "tools/manifest.hpp"

namespace fini::exporting {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr std::int64_t kDay = 86400000;

tools::PagingSpec conversations_spec() {
  auto loaded = tools::load_manifests(FINI_MANIFESTS_DIR);
  for (const auto& m : loaded.manifests) {
    if (m.name == "list_conversations") return *m.paging;
  }
  ADD_FAILURE() << "list_conversations has no paging";
  return {};
}

// A fake API over `count` conversations, one per day before `now`, newest first, honouring the
// window (inclusive, like the sandbox), the 90-day cap, the inverted cursor and limit.
struct FakeApi {
  std::int64_t now = 1000 * kDay;
  int count = 0;
  std::vector<json> calls;
  Result<json> operator()(const json& args) {
    calls.push_back(args);
    const auto since = args.at("since").get<std::int64_t>(), until = args.at("until").get<std::int64_t>();
    if (until - since > 90 * kDay) return invalid_argument("window > 90 days");
    EXPECT_EQ(args.at("direction"), "next");
    std::vector<json> in;
    for (int i = 0; i < count; ++i) {
      const std::int64_t t = now - (i + 1) * kDay;
      if (t >= since && t <= until)
        in.push_back({{"id", "c" + std::to_string(i)},
                      {"createdAt", t},
                      {"channel", i % 3 ? "chat" : "email"},
                      {"events", json::array({{{"role", "user"}, {"csatRating", i % 2 ? json(0) : json()}}})}});
    }
    std::size_t start = 0;
    if (args.contains("cursor")) {
      while (start < in.size() && in[start]["id"] != args["cursor"]) ++start;
      ++start;
    }
    const std::size_t limit = args.at("limit").get<std::size_t>();
    json page = json::array();
    for (std::size_t i = start; i < in.size() && page.size() < limit; ++i) page.push_back(in[i]);
    const bool more = start + page.size() < in.size();
    return json{{"interactions", page}, {"hasMore", more}, {"nextCursor", more ? page.back()["id"] : json()}};
  }
};

TEST(Pager, SplitsLongWindowsAndWalksEveryPage) {
  FakeApi api;
  api.count = 150;
  const auto spec = conversations_spec();
  Pager pager(spec, {{"since", api.now - 151 * kDay}, {"until", api.now}}, std::ref(api), api.now);
  std::set<std::string> ids;
  while (true) {
    auto more = pager.step([&](const PageEvent& e) {
      for (const auto& item : e.items) EXPECT_TRUE(ids.insert(item["id"].get<std::string>()).second);
      return Status();
    });
    ASSERT_TRUE(more.ok()) << more.status().message();
    if (!*more) break;
  }
  EXPECT_EQ(ids.size(), 150U);
  std::set<std::pair<std::int64_t, std::int64_t>> windows;
  for (const auto& c : api.calls) windows.insert({c["since"].get<std::int64_t>(), c["until"].get<std::int64_t>()});
  EXPECT_EQ(windows.size(), 2U);    // 151 days = 90 + 61
  EXPECT_EQ(api.calls.size(), 2U);  // 90 and 60 rows fit in one page of 100 each
}

TEST(Pager, CheckpointResumesWithoutLosingOrRepeatingRows) {
  FakeApi api;
  api.count = 250;
  api.now = 1000 * kDay;
  const auto spec = conversations_spec();
  const json args = {{"since", api.now - 260 * kDay}, {"until", api.now}, {"limit", 30}};
  Pager first(spec, args, std::ref(api), api.now);
  std::vector<std::string> ids;
  auto take = [&](const PageEvent& e) {
    for (const auto& item : e.items) ids.push_back(item["id"].get<std::string>());
    return Status();
  };
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(first.step(take).ok());
  const json saved = first.state().to_json();
  Pager second(spec, args, std::ref(api), api.now + 12345);  // a later "now" must not matter
  second.resume(*PagerState::from_json(saved));
  while (*second.step(take)) {}
  EXPECT_EQ(ids.size(), 250U);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 250U);
}

TEST(Pager, RepeatedCursorIsAnErrorNotALoop) {
  auto spec = conversations_spec();
  int calls = 0;
  FetchPage stuck = [&](const json&) -> Result<json> {
    ++calls;
    return json{{"interactions", json::array({{{"id", "x"}}})}, {"hasMore", true}, {"nextCursor", "x"}};
  };
  Pager pager(spec, json::object(), stuck, 100 * kDay);
  auto noop = [](const PageEvent&) { return Status(); };
  ASSERT_TRUE(pager.step(noop).ok());
  auto second = pager.step(noop);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("did not advance"), std::string::npos);
  EXPECT_EQ(calls, 2);
}

TEST(Writers, CsvQuotesPerRfc4180) {
  EXPECT_EQ(csv_field(json("plain")), "plain");
  EXPECT_EQ(csv_field(json("a,b")), "\"a,b\"");
  EXPECT_EQ(csv_field(json("say \"hi\"\nbye")), "\"say \"\"hi\"\"\nbye\"");
  EXPECT_EQ(csv_field(json()), "");
  EXPECT_EQ(csv_field(json(false)), "false");
  EXPECT_EQ(csv_field(json::array({1, 2})), "\"[1,2]\"");
}

class ExportFiles : public ::testing::Test {
 protected:
  fs::path dir_ = fs::temp_directory_path() / ("fini_export_test_" + std::to_string(::getpid()));
  void SetUp() override { fs::create_directories(dir_); }
  void TearDown() override { fs::remove_all(dir_); }
};

TEST_F(ExportFiles, SqliteExportAnswersQueriesAndRefusesWrites) {
  FakeApi api;
  api.count = 120;
  ExportRequest request;
  request.tool = "list_conversations";
  request.spec = conversations_spec();
  request.arguments = {{"since", api.now - 121 * kDay}, {"until", api.now}};
  request.format = Format::kSqlite;
  request.path = dir_ / "c.sqlite";
  request.now_ms = api.now;
  auto outcome = run_export(request, std::ref(api), {});
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_EQ(outcome->summary["rows"], 120);
  EXPECT_EQ(outcome->summary["facets"]["channel"]["email"], 40);
  EXPECT_EQ(outcome->summary["facets"]["events.csatRating"]["0"], 60);

  auto by_channel =
      run_query(request.path, "SELECT channel, COUNT(*) FROM conversations GROUP BY channel ORDER BY channel", {});
  ASSERT_TRUE(by_channel.ok()) << by_channel.status().message();
  EXPECT_EQ(by_channel->at("rows"), json::parse(R"([["chat",80],["email",40]])"));
  auto events =
      run_query(request.path, "SELECT COUNT(*) FROM events e JOIN conversations c ON c.id = e.conversation_id", {});
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->at("rows")[0][0], 120);

  for (const auto& [sql, word] :
       std::vector<std::pair<std::string, std::string>>{{"INSERT INTO conversations (id) VALUES ('x')", "INSERT"},
                                                        {"UPDATE conversations SET channel = 'x'", "UPDATE"},
                                                        {"DELETE FROM conversations", "DELETE"},
                                                        {"DROP TABLE conversations", "DROP"},
                                                        {"ATTACH DATABASE ':memory:' AS other", "ATTACH"},
                                                        {"PRAGMA journal_mode = WAL", "PRAGMA"}}) {
    auto refused = run_query(request.path, sql, {});
    ASSERT_FALSE(refused.ok()) << sql;
    EXPECT_NE(refused.status().message().find("read-only: " + word), std::string::npos) << refused.status().message();
  }
  QueryLimits small;
  small.max_rows = 7;
  auto capped = run_query(request.path, "SELECT id FROM conversations", small);
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped->at("rowCount"), 7);
  EXPECT_TRUE(capped->at("truncated").get<bool>());
  EXPECT_TRUE(capped->contains("note"));

  QueryLimits quick;
  quick.time_cap = std::chrono::milliseconds(200);
  const auto started = std::chrono::steady_clock::now();
  auto runaway = run_query(
      request.path, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT COUNT(*) FROM n", quick);
  ASSERT_FALSE(runaway.ok());
  EXPECT_EQ(runaway.status().code(), Code::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

TEST_F(ExportFiles, ResumedCsvEqualsUninterruptedCsv) {
  FakeApi api;
  api.count = 200;
  ExportRequest request;
  request.tool = "list_conversations";
  request.spec = conversations_spec();
  request.arguments = {{"since", api.now - 201 * kDay}, {"until", api.now}, {"limit", 25}};
  request.format = Format::kCsv;
  request.now_ms = api.now;
  request.path = dir_ / "whole.csv";
  ASSERT_TRUE(run_export(request, std::ref(api), {}).ok());

  request.path = dir_ / "resumed.csv";
  json checkpoint;
  int pages = 0;
  ExportHooks stop_after_3;
  stop_after_3.on_checkpoint = [&](const json& c) { checkpoint = c; };
  stop_after_3.cancelled = [&] { return pages++ == 3; };
  auto first = run_export(request, std::ref(api), stop_after_3);
  ASSERT_EQ(first.status().code(), Code::kCancelled);
  {  // a torn write after the checkpoint must be cut away on resume
    std::ofstream(request.path, std::ios::app) << "garbage,half,row";
  }
  auto rest = run_export(request, std::ref(api), {}, checkpoint);
  ASSERT_TRUE(rest.ok()) << rest.status().message();
  EXPECT_EQ(rest->summary["rows"], 200);
  auto slurp = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
  EXPECT_EQ(slurp(dir_ / "whole.csv"), slurp(dir_ / "resumed.csv"));
  // Header: the items' fields sorted, the events array replaced by `messages` at the end.
  EXPECT_EQ(slurp(request.path).substr(0, 31), "channel,createdAt,id,messages\r\n");
}

TEST_F(ExportFiles, CsvHeaderComesFromTheFirstRowsNotAnEmptyFirstPage) {
  WriterOptions options{Format::kCsv, dir_ / "quiet.csv", conversations_spec(), {}, json()};
  auto writer = open_writer(options);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  ASSERT_TRUE((*writer)->write_page(json::array()).ok());  // a window without conversations
  ASSERT_TRUE((*writer)->write_page(json::parse(R"([{"id":"a","channel":"email"}])")).ok());
  ASSERT_TRUE((*writer)->close().ok());
  std::ifstream in(options.path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "channel,id,messages\r\nemail,a,\r\n");
}

// The events of a conversation are not a CSV column of JSON: they become `messages`, one
// "role: message" line per event, and the writer says it left `events` out.
TEST_F(ExportFiles, CsvCarriesEventsAsMessagesTextAndSaysWhatItLeftOut) {
  WriterOptions options{Format::kCsv, dir_ / "messages.csv", conversations_spec(), {}, json()};
  auto writer = open_writer(options);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  ASSERT_TRUE((*writer)
                  ->write_page(json::parse(R"([{"id":"a","events":[
      {"role":"user","type":"message","message":"Where is my order?"},
      {"role":"agent","type":"message","message":"On its way, \"soon\"."},
      {"role":"user","type":"csat","message":null,"csatRating":0,"feedback":"slow"}]}])"))
                  .ok());
  const json state = (*writer)->state();
  ASSERT_TRUE((*writer)->close().ok());
  std::ifstream in(options.path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(),
            "id,messages\r\na,\"user: Where is my order?\nagent: On its way, \"\"soon\"\".\nuser: [CSAT 0] [feedback: "
            "slow]\"\r\n");
  EXPECT_EQ(state["leftOut"], json::array({"events"}));
  EXPECT_NE(state.value("leftOutNote", "").find("messages"), std::string::npos);
}

TEST_F(ExportFiles, ResumeRefusesAFileShorterThanItsCheckpoint) {
  const fs::path path = dir_ / "short.jsonl";
  std::ofstream(path) << "{}\n";
  WriterOptions options{Format::kJsonl, path, conversations_spec(), {}, json{{"bytes", 100}}};
  auto writer = open_writer(options);
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.status().message().find("shorter than its checkpoint"), std::string::npos);
  EXPECT_EQ(fs::file_size(path), 3U);  // not padded with zeros
}

}  // namespace
}  // namespace fini::exporting
