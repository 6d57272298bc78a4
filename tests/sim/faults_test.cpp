// Fault injection: flags (latency, error rate, rate limit, drops, malformed bodies) and the
// X-Sim-Fault header, which only counts with allow_header.
#include <chrono>
#include <map>
#include <vector>

#include "sim_test_util.hpp"

namespace fini::sim::testing {
namespace {

class FaultTest : public SandboxTest {
 protected:
  void SetUp() override {}
  void start_with(FaultOptions f) {
    SandboxOptions o = test_options();
    o.faults = f;
    start(o);
  }
  Resp with_fault(const std::string& value) {
    return send("GET", "/v2/bots/public", "", kAcmeRead, {{"X-Sim-Fault", value}});
  }
};

TEST_F(FaultTest, HeaderIsIgnoredUnlessAllowed) {
  start_with({});
  EXPECT_EQ(with_fault("status=503").status, 200);
  EXPECT_EQ(with_fault("drop").status, 200);
}

TEST_F(FaultTest, HeaderDirectives) {
  FaultOptions f;
  f.allow_header = true;
  start_with(f);
  EXPECT_TRUE(is_envelope(with_fault("status=503"), 503, "Service Unavailable"));
  auto limited = with_fault("retry-after=3");
  EXPECT_TRUE(is_envelope(limited, 429, "Too Many Requests"));
  EXPECT_EQ(limited.headers.find("Retry-After")->second, "3");
  auto both = with_fault("status=503; retry-after=2");
  EXPECT_TRUE(is_envelope(both, 503));
  EXPECT_EQ(both.headers.find("Retry-After")->second, "2");
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(with_fault("delay=300").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(300));
  auto dropped = with_fault("drop");
  EXPECT_EQ(dropped.status, 0);  // connection closed with no response
  auto broken = with_fault("malformed");
  EXPECT_EQ(broken.status, 200);
  EXPECT_TRUE(broken.body.is_discarded()) << broken.raw;
  EXPECT_TRUE(is_envelope(with_fault("explode"), 400,
                          "X-Sim-Fault: unknown directive 'explode' (use status=N, delay=MS, drop, malformed, "
                          "retry-after=S; join with ';')"));
  EXPECT_TRUE(is_envelope(with_fault("status=abc"), 400, "X-Sim-Fault: status must be 100..599"));
  // Faults are infrastructure-level: they hit before auth.
  EXPECT_TRUE(
      is_envelope(send("GET", "/v2/bots/public", "", nullptr, {{"X-Sim-Fault", "status=502"}}), 502, "Bad Gateway"));
  EXPECT_EQ(get("/v2/bots/public").status, 200);  // the server survived the drop
}

TEST_F(FaultTest, ErrorRateFlag) {
  FaultOptions f;
  ASSERT_TRUE(parse_error_rate("1:503", f).ok());
  start_with(f);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(is_envelope(get("/v2/bots/public"), 503, "Service Unavailable"));
  EXPECT_FALSE(parse_error_rate("2", f).ok());
  EXPECT_FALSE(parse_error_rate("0.5:200", f).ok());
}

TEST_F(FaultTest, ErrorRateStatusMix) {
  FaultOptions f;
  ASSERT_TRUE(parse_error_rate("1:500,503,429", f).ok());
  EXPECT_EQ(f.error_statuses, (std::vector<int>{500, 503, 429}));
  EXPECT_FALSE(parse_error_rate("1:500,", f).ok());
  EXPECT_FALSE(parse_error_rate("1:500,200", f).ok());
  ASSERT_TRUE(parse_error_rate("1:500,503,429", f).ok());
  start_with(f);
  std::map<int, int> seen;
  for (int i = 0; i < 60; ++i) {
    auto r = get("/v2/bots/public");
    ++seen[r.status];
    EXPECT_TRUE(is_envelope(r, r.status,
                            r.status == 429   ? "Too Many Requests"
                            : r.status == 500 ? "Internal Server Error"
                                              : "Service Unavailable"));
  }
  EXPECT_EQ(seen.size(), 3u);  // every listed status shows up (seeded PRNG: deterministic)
  EXPECT_EQ(seen[500] + seen[503] + seen[429], 60);
}

TEST_F(FaultTest, SeededErrorRateIsReproducible) {
  FaultOptions f;
  f.error_rate = 0.5;
  f.seed = 42;
  auto run = [&] {
    start_with(f);
    std::string pattern;
    for (int i = 0; i < 30; ++i) pattern += get("/v2/bots/public").status == 200 ? '.' : 'x';
    return pattern;
  };
  std::string a = run();
  EXPECT_EQ(run(), a);
  EXPECT_NE(a.find('x'), std::string::npos);
  EXPECT_NE(a.find('.'), std::string::npos);
}

TEST_F(FaultTest, RateLimitTokenBucket) {
  FaultOptions f;
  ASSERT_TRUE(parse_rate_limit("1:2", f).ok());
  start_with(f);  // frozen clock: tokens refill only when the test advances time
  EXPECT_EQ(get("/v2/bots/public").status, 200);
  EXPECT_EQ(get("/v2/bots/public").status, 200);
  auto limited = get("/v2/bots/public");
  EXPECT_TRUE(is_envelope(limited, 429, "Too Many Requests"));
  EXPECT_EQ(limited.headers.find("Retry-After")->second, "1");
  sb_->advance_clock(1000);
  EXPECT_EQ(get("/v2/bots/public").status, 200);
  EXPECT_EQ(get("/v2/bots/public").status, 429);
}

TEST_F(FaultTest, DropAndMalformedRates) {
  FaultOptions f;
  f.drop_rate = 1;
  start_with(f);
  EXPECT_EQ(get("/v2/bots/public").status, 0);
  f.drop_rate = 0;
  f.malformed_rate = 1;
  start_with(f);
  auto r = get("/v2/bots/public");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.is_discarded());
  EXPECT_TRUE(is_envelope(get("/v2/bots/public", kAcmeRevoked), 401));  // errors stay well-formed
}

TEST_F(FaultTest, RouteFaultHitsItsRouteTheGivenNumberOfTimes) {
  FaultOptions f;
  f.route_faults = {"GET /v2/bots/ status=503;times=2", "GET /v2/tag-groups/ malformed"};
  start_with(f);
  EXPECT_NE(get("/v2/hc-folders/public").status, 503);  // another route: untouched
  EXPECT_TRUE(is_envelope(get("/v2/bots/public"), 503));
  EXPECT_TRUE(is_envelope(get("/v2/bots/public"), 503));
  EXPECT_EQ(get("/v2/bots/public").status, 200);
  auto torn = get("/v2/tag-groups/public");
  EXPECT_EQ(torn.status, 200);
  EXPECT_TRUE(torn.body.is_discarded());
  EXPECT_FALSE(get("/v2/tag-groups/public").body.is_discarded());
}

TEST(RouteFaultSpec, BadSpecsAreRefused) {
  for (const char* bad :
       {"", "GET", "GET /x", "GET x status=500", "GET /x status=700", "GET /x times=0", "GET /x bogus"}) {
    EXPECT_FALSE(parse_route_fault(bad).ok()) << bad;
  }
  auto ok = parse_route_fault("DELETE /v2/hc-folders/ delay=5;times=3");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->remaining, 3);
  EXPECT_EQ(ok->decision.delay_ms, 5);
}

TEST_F(FaultTest, LatencyFlag) {
  FaultOptions f;
  f.latency_mean_ms = 150;
  f.latency_jitter_ms = 50;
  start_with(f);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(get("/v2/bots/public").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(100));
}

TEST_F(FaultTest, DriftRetypesOneFieldOfOneRoute) {
  FaultOptions f;
  ASSERT_TRUE(parse_drift("listConversations:hasMore", f).ok());
  ASSERT_TRUE(parse_drift("listAgents", f).ok());
  EXPECT_FALSE(parse_drift("noSuchOperation", f).ok());
  start_with(f);
  auto page = get("/v2/hc-interactions/public?limit=1");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(page.body["hasMore"].is_string());
  EXPECT_TRUE(page.body["interactions"].is_array());
  auto agents = get("/v2/bots/public");
  ASSERT_TRUE(agents.body.is_object());  // the top-level array, wrapped
  EXPECT_TRUE(agents.body["items"].is_array());
  auto groups = get("/v2/tag-groups/public");  // other routes unchanged
  EXPECT_TRUE(groups.body.is_array());
}

TEST_F(FaultTest, IgnoredAgentFilterReturnsEveryAgentsConversations) {
  auto window = [this] {
    return "/v2/hc-interactions/public?limit=100&since=" + std::to_string(sb_->now_ms() - 89LL * 86400000);
  };
  const std::string unknown_agent = "&agentId=00000000-0000-4000-8000-00000000d0c7";
  start_with({});
  EXPECT_EQ(get(window() + unknown_agent).body["interactions"].size(), 0u);
  FaultOptions f;
  f.ignore_agent_filter = true;
  start_with(f);
  const auto all = get(window()).body["interactions"].size();
  EXPECT_GT(all, 0u);
  EXPECT_EQ(get(window() + unknown_agent).body["interactions"].size(), all);
}

}  // namespace
}  // namespace fini::sim::testing
