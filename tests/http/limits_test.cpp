// The abuse limits of `serve --http`: who a client is (trusted proxies, X-Forwarded-For), token
// buckets with a bounded client table, the key-check gate (known-good keys free, refused keys
// cached, per-client and global ceilings), sign-in form attempts, redirect hosts, and the client
// metadata cache (one fetch per document, bounded waiting). Injected clocks; no sleeps.
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>

#include "http/abuse_limits.hpp"
#include "http/client_address.hpp"
#include "http/rate_limit.hpp"
#include "oauth/cimd_cache.hpp"
#include "oauth/redirect_uri.hpp"

namespace fini::http {
namespace {

TrustedProxies proxies(const char* list) {
  auto p = TrustedProxies::parse(list);
  EXPECT_TRUE(p.ok()) << p.status().message();
  return p.ok() ? *p : TrustedProxies{};
}

TEST(ClientAddress, ForwardedForOnlyFromTrustedProxies) {
  const TrustedProxies none;
  EXPECT_EQ(client_address("203.0.113.9", "198.51.100.1", none), "203.0.113.9");  // not a proxy: XFF ignored
  const TrustedProxies p = proxies("127.0.0.1, 10.0.0.0/8 ::1");
  EXPECT_TRUE(p.trusts("10.200.3.4"));
  EXPECT_FALSE(p.trusts("11.0.0.1"));
  EXPECT_TRUE(p.trusts("::1"));
  EXPECT_EQ(client_address("127.0.0.1", "198.51.100.7", p), "198.51.100.7");
  // The client writes what it likes on the left; the first hop from the right that no trusted
  // proxy stands for is the client.
  EXPECT_EQ(client_address("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.5", p), "198.51.100.7");
  EXPECT_EQ(client_address("127.0.0.1", "", p), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", "10.0.0.1, 10.0.0.2", p), "10.0.0.1");  // all proxies: the farthest
  EXPECT_EQ(client_address("203.0.113.9", "198.51.100.7", p), "203.0.113.9");
  EXPECT_FALSE(TrustedProxies::parse("10.0.0.0/33").ok());
  EXPECT_FALSE(TrustedProxies::parse("nonsense").ok());
  EXPECT_TRUE(proxies("2001:db8::/32").trusts("2001:db8:1::5"));
}

TEST(ClientAddress, BucketsGroupIpv6By64) {
  EXPECT_EQ(client_bucket("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(client_bucket("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
  EXPECT_EQ(client_bucket("198.51.100.7"), "198.51.100.7");
  EXPECT_EQ(client_bucket(std::string(200, 'x')).size(), 64u);
}

// The --limit-* flags show each default as rate_spec of the AbuseOptions value: it must read
// back as the same rate.
TEST(RateLimit, SpecReadsBackAsTheSameRate) {
  const AbuseOptions defaults;
  for (const Rate& r : {defaults.key_checks, defaults.key_checks_global, defaults.authorize, defaults.token,
                        defaults.registrations, Rate{}}) {
    auto back = parse_rate(rate_spec(r), "--x");
    ASSERT_TRUE(back.ok()) << rate_spec(r);
    EXPECT_EQ(back->burst, r.burst);
    EXPECT_EQ(back->per.count(), r.unlimited() ? 1.0 : r.per.count());
  }
  EXPECT_EQ(rate_spec(Rate{30, std::chrono::duration<double>(60)}), "30/60");
  EXPECT_EQ(rate_spec(Rate{}), "0");
}

TEST(RateLimit, ParsesAndRefills) {
  EXPECT_EQ(parse_rate("10/60", "--x")->burst, 10);
  EXPECT_EQ(parse_rate("10/60s", "--x")->per.count(), 60);
  EXPECT_TRUE(parse_rate("0", "--x")->unlimited());
  EXPECT_FALSE(parse_rate("ten", "--x").ok());
  EXPECT_FALSE(parse_rate("10/0", "--x").ok());
  double now = 0;
  Bucket b(*parse_rate("2/10", "--x"), [&] { return now; });
  EXPECT_EQ(b.take(), 0);
  EXPECT_EQ(b.take(), 0);
  EXPECT_EQ(b.take(), 5);  // one token every 5 s
  now = 5;
  EXPECT_EQ(b.take(), 0);
}

TEST(RateLimit, ClientTableStaysBounded) {
  double now = 0;
  ClientBuckets t(*parse_rate("1/60", "--x"), 100, [&] { return now; });
  for (int i = 0; i < 10000; ++i) t.take("198.51.100." + std::to_string(i));
  EXPECT_EQ(t.size(), 100u);
  EXPECT_EQ(t.take("a"), 0);
  EXPECT_GT(t.take("a"), 0);
}

struct LimitsFixture : ::testing::Test {
  double now = 0;
  AbuseOptions options() {
    AbuseOptions o;
    o.key_checks = *parse_rate("3/60", "--x");
    o.key_checks_global = *parse_rate("5/60", "--x");
    o.signin_attempts = 2;
    return o;
  }
  AbuseLimits limits{options(), [this] { return now; }};
  static std::string key(int i) { return "fini_guess_" + std::to_string(1000000 + i); }
};

TEST_F(LimitsFixture, NewKeysAreRationedPerClientAndGlobally) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limits.before_key_check("a", key(i)).kind, Verdict::kGo);
  const Verdict v = limits.before_key_check("a", key(3));
  EXPECT_EQ(v.kind, Verdict::kLimited);
  EXPECT_EQ(v.retry_after_s, 20);
  EXPECT_EQ(limits.before_key_check("b", key(4)).kind, Verdict::kGo);
  EXPECT_EQ(limits.before_key_check("c", key(5)).kind, Verdict::kGo);
  EXPECT_EQ(limits.before_key_check("d", key(6)).kind, Verdict::kLimited);  // global: 5 in all
  EXPECT_NE(limits.render_metrics().find("fini_mcp_limit_refused_total{limit=\"key_checks_global\"} 1"),
            std::string::npos);
}

TEST_F(LimitsFixture, KnownGoodKeysAreFreeAndRefusedKeysAreNotSentAgain) {
  EXPECT_EQ(limits.before_key_check("a", key(1)).kind, Verdict::kGo);
  limits.key_answered(key(1), 200);
  EXPECT_EQ(limits.before_key_check("a", key(2)).kind, Verdict::kGo);
  limits.key_answered(key(2), 401);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(limits.before_key_check("a", key(1)).kind, Verdict::kGo);
  EXPECT_EQ(limits.before_key_check("a", key(2)).kind, Verdict::kRefusedKey);
  now = 61;  // the refusal is forgotten after --refused-key-cache
  EXPECT_NE(limits.before_key_check("a", key(2)).kind, Verdict::kRefusedKey);
}

TEST(AbuseLimits, ConcurrentRequestsWithOneNewKeyCostOneCheck) {
  AbuseOptions o;
  o.key_checks = *parse_rate("1/60", "--x");
  o.key_checks_global = *parse_rate("1/60", "--x");
  AbuseLimits limits(o);
  const std::string key = "fini_sandbox_acme_rw_1d9a7e3c52";
  ASSERT_EQ(limits.before_key_check("a", key).kind, Verdict::kGo);  // this request checks it
  std::vector<std::future<Verdict::Kind>> others;
  for (int i = 0; i < 20; ++i) {
    others.push_back(std::async(std::launch::async, [&] { return limits.before_key_check("a", key).kind; }));
  }
  while (limits.waiting() < 20) std::this_thread::yield();
  limits.key_answered(key, 200);
  for (auto& f : others) EXPECT_EQ(f.get(), Verdict::kGo);  // known good now: no check, no limit
  EXPECT_NE(limits.render_metrics().find("fini_mcp_key_checks_total{outcome=\"sent\"} 1"), std::string::npos);
}

TEST_F(LimitsFixture, ASignInFormTakesAFewKeys) {
  EXPECT_TRUE(limits.signin_attempt("form-1", 600));
  EXPECT_TRUE(limits.signin_attempt("form-1", 600));
  EXPECT_FALSE(limits.signin_attempt("form-1", 600));
  EXPECT_TRUE(limits.signin_attempt("form-2", 600));
}

TEST_F(LimitsFixture, ClientOfBelievesOnlyTrustedProxies) {
  AbuseOptions o;
  o.trusted_proxies = proxies("127.0.0.1");
  AbuseLimits l(o);
  httplib::Request req;
  req.remote_addr = "127.0.0.1";
  req.headers.emplace("X-Forwarded-For", "198.51.100.7");
  EXPECT_EQ(l.client_of(req), "198.51.100.7");
  req.remote_addr = "127.0.0.2";
  EXPECT_EQ(l.client_of(req), "127.0.0.2");
}

TEST(RedirectHosts, ClaudeAndLoopbackByDefault) {
  using oauth::redirect_host_allowed;
  EXPECT_TRUE(redirect_host_allowed("https://claude.ai/api/mcp/auth_callback", {}));
  EXPECT_TRUE(redirect_host_allowed("https://claude.com/api/mcp/auth_callback", {}));
  EXPECT_TRUE(redirect_host_allowed("http://127.0.0.1:33418/callback", {}));
  EXPECT_TRUE(redirect_host_allowed("http://localhost:1/cb", {}));
  EXPECT_FALSE(redirect_host_allowed("https://evil.example/cb", {}));
  EXPECT_FALSE(redirect_host_allowed("https://claude.ai.evil.example/cb", {}));
  EXPECT_TRUE(redirect_host_allowed("https://evil.example/cb", {"evil.example"}));
  EXPECT_TRUE(redirect_host_allowed("https://a.b.example/cb", {"*.b.example"}));
  EXPECT_FALSE(redirect_host_allowed("https://b.example/cb", {"*.b.example"}));
}

// The fetch pool is driven by a fetcher that blocks until released: what the network part does
// is covered end to end (tests/e2e/oauth-limits.test.mjs).
struct Gate {
  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  std::atomic<int> fetches{0};
  oauth::CimdFetcher fetcher(long max_age = -1) {
    return [this, max_age](const std::string& url) {
      ++fetches;
      std::unique_lock lock(m);
      cv.wait(lock, [&] { return open; });
      oauth::Client c;
      c.id = url;
      return oauth::CimdFetch{std::make_shared<const oauth::OAuthResult<oauth::Client>>(c), max_age};
    };
  }
  void release() {
    {
      std::lock_guard lock(m);
      open = true;
    }
    cv.notify_all();
  }
};

TEST(CimdCache, ManyPagesOneFetchAndTheRestWaitOrAreRefusedAtOnce) {
  Gate gate;
  oauth::CimdOptions o;
  o.max_waiters = 8;
  oauth::CimdCache cache(o, gate.fetcher());
  std::vector<std::future<std::shared_ptr<const oauth::OAuthResult<oauth::Client>>>> pages;
  for (int i = 0; i < 8; ++i) {
    pages.push_back(std::async(std::launch::async, [&] { return cache.get("https://a.example/c.json", "a.example"); }));
  }
  // A ninth page, while eight wait, is told to come back rather than wait.
  while (cache.waiting() < 8) std::this_thread::yield();
  auto ninth = cache.get("https://a.example/c.json", "a.example");
  ASSERT_TRUE(std::holds_alternative<oauth::OAuthError>(*ninth));
  EXPECT_EQ(std::get<oauth::OAuthError>(*ninth).http_status, 503);
  // Another host's document is not held up by this one, but per host only `per_host` fetch at once.
  gate.release();
  for (auto& p : pages) EXPECT_TRUE(std::holds_alternative<oauth::Client>(*p.get()));
  EXPECT_TRUE(std::holds_alternative<oauth::Client>(*cache.get("https://a.example/c.json", "a.example")));
  EXPECT_EQ(gate.fetches.load(), 1);
}

}  // namespace
}  // namespace fini::http
