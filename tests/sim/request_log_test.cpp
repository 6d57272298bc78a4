// --request-log: one JSON line per request with the documented fields; no key ever written.
#include <fstream>
#include <sstream>

#include "sim_test_util.hpp"
#include "temp_dir.hpp"

namespace fini::sim::testing {
namespace {

class RequestLogTest : public SandboxTest {
 protected:
  void SetUp() override {
    SandboxOptions o = test_options();
    o.request_log_file = dir_.file("requests.jsonl");
    start(o);
  }
  std::string text() {
    std::ifstream in(dir_.file("requests.jsonl"));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::vector<json> lines() {
    std::vector<json> out;
    std::istringstream in(text());
    for (std::string line; std::getline(in, line);) {
      json j = json::parse(line, nullptr, false);
      EXPECT_FALSE(j.is_discarded()) << line;
      out.push_back(j);
    }
    return out;
  }
  TempDir dir_;
};

TEST_F(RequestLogTest, RecordsEveryRequestWithoutKeys) {
  const char* canary = "fini_canary_body_secret_123456";
  ASSERT_TRUE(sb_->add_key("fini_canary_runtime_key_987654", "acme", {"read"}).ok());
  get(std::string("/v2/tag-groups/tags/public?tagGroupIds=") + kOrderIntentGroup + "&tagGroupIds=" + kManagedGroup,
      kAcmeRead);
  post("/v2/tag-groups/public", {{"title", "Log me"}, {"description", canary}});
  get("/v2/bots/public", kAcmeRevoked);
  post("/v2/hc-folders/public", json::object(), kAcmeRead);
  get("/v2/bots/public", "fini_canary_runtime_key_987654");
  httplib::Client cli("127.0.0.1", sb_->port());
  httplib::MultipartFormDataItems items = {{"file", "folderId,folderPath\n,New\n", "t.csv", "text/csv"}};
  cli.Post("/v2/knowledge/public/tree/persist", {{"Authorization", std::string("Bearer ") + kAcmeRw}}, items);

  auto l = lines();
  ASSERT_EQ(l.size(), 6u);
  EXPECT_EQ(l[0]["method"], "GET");
  EXPECT_EQ(l[0]["path"], "/v2/tag-groups/tags/public");
  EXPECT_EQ(l[0]["query"]["tagGroupIds"], json::array({kOrderIntentGroup, kManagedGroup}));
  EXPECT_EQ(l[0]["scope"], "read");
  EXPECT_EQ(l[0]["workspace"], "acme");
  EXPECT_EQ(l[0]["operationId"], "listTagsAcrossGroups");
  EXPECT_EQ(l[0]["status"], 200);
  EXPECT_EQ(l[0]["key"].get<std::string>().substr(0, 7), "sha256:");
  EXPECT_TRUE(l[0].contains("ts"));
  EXPECT_EQ(l[1]["body"]["title"], "Log me");
  EXPECT_EQ(l[1]["body"]["description"], "[REDACTED]");
  EXPECT_EQ(l[1]["contentType"], "application/json");
  EXPECT_EQ(l[2]["status"], 401);
  EXPECT_TRUE(l[2]["workspace"].is_null());
  EXPECT_EQ(l[3]["status"], 403);
  EXPECT_EQ(l[3]["scope"], "write");
  EXPECT_EQ(l[4]["status"], 200);
  EXPECT_EQ(l[5]["body"]["multipart"][0]["name"], "file");
  EXPECT_EQ(l[5]["body"]["multipart"][0]["size"], 25);  // bytes of the CSV above
  EXPECT_NE(l[0]["key"], l[4]["key"]);

  std::string all = text();
  for (const char* k : {kAcmeRead, kAcmeRw, kAcmeRevoked, canary, "fini_canary_runtime_key_987654", "fini_"}) {
    EXPECT_EQ(all.find(k), std::string::npos) << k;
  }
}

}  // namespace
}  // namespace fini::sim::testing
