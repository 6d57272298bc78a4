// Auth on every route: 401 for missing/malformed/unknown/revoked keys, 403 for a missing scope,
// and auth checked before any body or parameter validation.
#include <regex>

#include "sim_test_util.hpp"

namespace fini::sim::testing {
namespace {

std::string concrete(const RouteInfo& r) {
  std::string p = std::regex_replace(r.path, std::regex("\\{provider\\}"), "notion");
  return std::regex_replace(p, std::regex("\\{id\\}"), kTrackArticle);
}

class AuthTest : public SandboxTest {};

TEST_F(AuthTest, EveryRouteRejectsMissingMalformedUnknownAndRevokedKeys) {
  ASSERT_EQ(Sandbox::routes().size(), 56u);
  for (const auto& r : Sandbox::routes()) {
    SCOPED_TRACE(r.method + " " + r.path);
    std::string path = concrete(r);
    EXPECT_TRUE(is_envelope(send(r.method, path, "{}", nullptr), 401, "Unauthorized"));
    EXPECT_TRUE(is_envelope(send(r.method, path, "{}", nullptr, {{"Authorization", "Basic Zm9vOmJhcg=="}}), 401,
                            "Unauthorized"));
    EXPECT_TRUE(is_envelope(send(r.method, path, "{}", nullptr, {{"Authorization", "Bearer sk_live_123"}}), 401,
                            "Unauthorized"));
    EXPECT_TRUE(is_envelope(send(r.method, path, "{}", "fini_not_a_real_key_000"), 401, "Unauthorized"));
    EXPECT_TRUE(is_envelope(send(r.method, path, "{}", kAcmeRevoked), 401, "Unauthorized"));
  }
}

TEST_F(AuthTest, EveryRouteEnforcesItsScopeBeforeValidation) {
  int read_routes = 0;
  for (const auto& r : Sandbox::routes()) {
    SCOPED_TRACE(r.method + " " + r.path);
    std::string path = concrete(r);
    const char* wrong = r.scope == "read" ? kAcmeWrite : kAcmeRead;
    // Malformed JSON would be a 400, but scope is checked first.
    EXPECT_TRUE(is_envelope(send(r.method, path, "{not json", wrong), 403,
                            "API key does not have the required scope for this operation"));
    if (r.scope == "read") ++read_routes;
  }
  EXPECT_EQ(read_routes, 19);  // 17 GETs + the two read-scope POSTs
}

TEST_F(AuthTest, TheTwoReadScopePostsWorkWithAReadKey) {
  auto jobs = post("/v2/knowledge/public/jobs/status", {{"jobIds", json::array({"nope"})}}, kAcmeRead);
  EXPECT_TRUE(is_envelope(jobs, 404, "Knowledge job not found: nope"));
  auto arts = post("/v2/hc-articles/ids/public", {{"articleIds", json::array({kTrackArticle})}}, kAcmeRead);
  ASSERT_EQ(arts.status, 200);
  EXPECT_EQ(arts.body.size(), 1u);
}

TEST_F(AuthTest, RuntimeKeysCanBeAddedAndRevoked) {
  const char* canary = "fini_canary_key_for_tests_0001";
  EXPECT_TRUE(is_envelope(get("/v2/bots/public", canary), 401));
  ASSERT_TRUE(sb_->add_key(canary, "globex", {"read"}).ok());
  auto r = get("/v2/bots/public", canary);
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.body.size(), 1u);
  EXPECT_EQ(r.body[0]["id"], kGlobexBot);
  EXPECT_TRUE(is_envelope(post("/v2/tag-groups/public", {{"title", "x"}}, canary), 403));
  ASSERT_TRUE(sb_->revoke_key(canary).ok());
  EXPECT_TRUE(is_envelope(get("/v2/bots/public", canary), 401, "Unauthorized"));
  EXPECT_FALSE(sb_->add_key("fini_x_key_0001", "nowhere", {"read"}).ok());
  EXPECT_FALSE(sb_->add_key("fini_x_key_0001", "acme", {"admin"}).ok());
  EXPECT_FALSE(sb_->revoke_key("fini_never_added_0001").ok());
}

TEST_F(AuthTest, UnknownRoutesAnswer404EnvelopeWithoutAuth) {
  EXPECT_TRUE(is_envelope(get("/v2/unknown/public", nullptr), 404, "Cannot GET /v2/unknown/public"));
  EXPECT_TRUE(is_envelope(send("PATCH", "/v2/bots/public", "{}", kAcmeRw), 404, "Cannot PATCH /v2/bots/public"));
  EXPECT_TRUE(is_envelope(send("OPTIONS", "/v2/bots/public", "", kAcmeRw), 404));
  // Legacy routes are not served.
  EXPECT_TRUE(is_envelope(post("/v2/bots/ask-question", json::object()), 404));
}

}  // namespace
}  // namespace fini::sim::testing
