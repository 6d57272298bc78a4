// Pure checks of the HTTP transport (Origin/Host, bearer, protocol version, Accept) and the
// per-key scope memory of BearerCredentials.
#include <gtest/gtest.h>

#include "credentials/bearer_credentials.hpp"
#include "http/guards.hpp"

namespace fini::http {
namespace {

TEST(Guards, OriginAbsentPassesForeignFailsOwnLoopbackPasses) {
  OriginPolicy loopback{{}, true, 8123};
  EXPECT_TRUE(origin_allowed(loopback, ""));
  EXPECT_FALSE(origin_allowed(loopback, "http://evil.example.com"));
  EXPECT_FALSE(origin_allowed(loopback, "http://localhost:3000"));  // another local page
  EXPECT_TRUE(origin_allowed(loopback, "http://127.0.0.1:8123"));
  EXPECT_TRUE(origin_allowed(loopback, "http://localhost:8123"));
  EXPECT_TRUE(origin_allowed(loopback, "http://[::1]:8123"));
  OriginPolicy listed{{"https://app.example.com"}, false, 443};
  EXPECT_TRUE(origin_allowed(listed, "https://app.example.com"));
  EXPECT_TRUE(origin_allowed(listed, "HTTPS://APP.EXAMPLE.COM"));
  EXPECT_FALSE(origin_allowed(listed, "https://app.example.com.evil.net"));
  EXPECT_FALSE(origin_allowed(listed, "http://127.0.0.1:443"));  // not loopback-bound: no implicit origin
}

TEST(Guards, HostCheckedOnlyOnLoopback) {
  OriginPolicy loopback{{}, true, 8123};
  EXPECT_TRUE(host_allowed(loopback, "127.0.0.1:8123"));
  EXPECT_TRUE(host_allowed(loopback, "localhost"));
  EXPECT_TRUE(host_allowed(loopback, "[::1]:8123"));
  EXPECT_FALSE(host_allowed(loopback, "evil.example.com"));
  EXPECT_FALSE(host_allowed(loopback, "evil.example.com:8123"));
  EXPECT_FALSE(host_allowed(loopback, ""));
  OriginPolicy any{{}, false, 8123};
  EXPECT_TRUE(host_allowed(any, "mcp.example.com"));
}

TEST(Guards, BearerKeyMustBeKeyShaped) {
  EXPECT_EQ(bearer_key("Bearer fini_sandbox_acme_rw_1d9a7e3c52"), "fini_sandbox_acme_rw_1d9a7e3c52");
  EXPECT_EQ(bearer_key("bearer  fini_sandbox_acme_rw_1d9a7e3c52 "), "fini_sandbox_acme_rw_1d9a7e3c52");
  EXPECT_FALSE(bearer_key(""));
  EXPECT_FALSE(bearer_key("Basic Zm9vOmJhcg=="));
  EXPECT_FALSE(bearer_key("Bearer "));
  EXPECT_FALSE(bearer_key("Bearer not-a-fini-key-at-all"));
  EXPECT_FALSE(bearer_key("Bearer fini_has spaces_inside_it"));
}

TEST(Guards, ProtocolVersionDefaultsTo20250326AndRejectsUnknown) {
  EXPECT_EQ(protocol_version("", false), "2025-03-26");
  EXPECT_EQ(protocol_version("2025-11-25", true), "2025-11-25");
  EXPECT_EQ(protocol_version("2025-06-18", true), "2025-06-18");
  EXPECT_FALSE(protocol_version("1999-01-01", true));
  EXPECT_FALSE(protocol_version("", true));
}

TEST(Guards, AcceptListsAndWildcards) {
  EXPECT_TRUE(accepts("application/json, text/event-stream", "text/event-stream"));
  EXPECT_TRUE(accepts("application/json;q=0.9", "application/json"));
  EXPECT_TRUE(accepts("*/*", "text/event-stream"));
  EXPECT_TRUE(accepts("text/*", "text/event-stream"));
  EXPECT_FALSE(accepts("application/json", "text/event-stream"));
  EXPECT_FALSE(accepts("", "application/json"));
}

// What BearerCredentials needs from a call: its key (it never asks the person).
class KeyedCall final : public credentials::KeyAsker {
 public:
  explicit KeyedCall(std::string key) : key_(std::move(key)) {}
  const CallKey& call_key() const override { return key_; }
  const CancelToken& cancel_token() const override { return cancel_; }
  bool can_open_links() const override { return false; }
  Result<credentials::LinkAnswer> open_link(const credentials::KeyLink&, std::chrono::milliseconds) override {
    ADD_FAILURE() << "BearerCredentials asked the person for a key";
    return Status(Code::kUnavailable, "no client");
  }
  void link_done(const credentials::KeyLink&) override {}

 private:
  CallKey key_;
  CancelToken cancel_;
};

TEST(BearerCredentials, ScopesArePerKeyAndBounded) {
  credentials::BearerCredentials creds(2);
  KeyedCall a("fini_key_a_0000000000"), b("fini_key_b_0000000000"), c("fini_key_c_0000000000");
  EXPECT_EQ(*creds.key(a), "fini_key_a_0000000000");
  creds.observe("fini_key_a_0000000000", 403, "write", true);
  creds.observe("fini_key_b_0000000000", 200, "write", false);
  EXPECT_EQ(creds.may_for(a.call_key(), "write"), false);
  EXPECT_EQ(creds.may_for(b.call_key(), "write"), true);
  EXPECT_EQ(creds.may_for(c.call_key(), "write"), std::nullopt);  // another user's facts never leak over
  creds.observe("fini_key_c_0000000000", 200, "read", false);     // evicts the least recently used (a)
  EXPECT_EQ(creds.remembered(), 2u);
  EXPECT_EQ(creds.may_for(a.call_key(), "write"), std::nullopt);
  EXPECT_EQ(creds.may_for(b.call_key(), "write"), true);
}

TEST(BearerCredentials, NoKeyInContextIsUnauthenticated) {
  credentials::BearerCredentials creds;
  KeyedCall none("");
  auto key = creds.key(none);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), Code::kUnauthenticated);
}

TEST(BearerCredentials, DigestIsNotTheKey) {
  const std::string digest = credentials::key_digest("fini_sandbox_acme_rw_1d9a7e3c52");
  EXPECT_EQ(digest.size(), 64u);
  EXPECT_EQ(digest.find("fini_"), std::string::npos);
  // The identity per-caller tables use for a call's key is the same digest.
  EXPECT_EQ(CallKey("fini_sandbox_acme_rw_1d9a7e3c52").identity(), digest);
}

}  // namespace
}  // namespace fini::http
