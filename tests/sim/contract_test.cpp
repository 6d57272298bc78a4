// The sandbox's route table equals the project's contract list (tests/contract/endpoints.json).
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "sim_test_util.hpp"

namespace fini::sim::testing {
namespace {

TEST(ContractTest, RouteTableMatchesTheProjectsEndpointList) {
  std::ifstream in(std::string(FINI_SOURCE_DIR) + "/tests/contract/endpoints.json");
  ASSERT_TRUE(in) << "tests/contract/endpoints.json not found";
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  using Row = std::tuple<std::string, std::string, std::string, std::string>;
  std::set<Row> expected, actual;
  for (const auto& e : j["endpoints"]) {
    expected.insert({e["method"].get<std::string>(), e["path"].get<std::string>(), e["scope"].get<std::string>(),
                     e["operationId"].get<std::string>()});
  }
  for (const auto& r : Sandbox::routes()) actual.insert({r.method, r.path, r.scope, r.operation_id});
  EXPECT_EQ(expected.size(), 56u);
  EXPECT_EQ(Sandbox::routes().size(), 56u);
  EXPECT_EQ(actual, expected);
}

TEST(ContractTest, LiteralSegmentsWinOverPlaceholders) {
  auto m = match_route("GET", "/v2/tag-groups/tags/public");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route->operation_id, "listTagsAcrossGroups");
  m = match_route("GET", "/v2/tag-groups/abc/public");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route->operation_id, "getTagGroup");
  EXPECT_EQ(m->params, std::vector<std::string>{"abc"});
  EXPECT_FALSE(match_route("GET", "/v2/tag-groups//public"));
  bool known = false;
  EXPECT_FALSE(match_route("PATCH", "/v2/bots/public", &known));
  EXPECT_TRUE(known);
}

}  // namespace
}  // namespace fini::sim::testing

namespace fini::sim::testing {
namespace {

TEST(ContractTest, EncodedSlashesStayInsideOneSegment) {
  auto m = match_route("GET", "/v2/hc-interactions/a%2Fb%3Fc/public");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route->operation_id, "getConversation");
  EXPECT_EQ(m->params, std::vector<std::string>{"a/b?c"});
  m = match_route("GET", "/v2/hc-interactions/..%2F..%2Fbots/public");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route->operation_id, "getConversation");
}

}  // namespace
}  // namespace fini::sim::testing
