// Pure checks of the HTTP transport (Origin/Host, bearer, protocol version, Accept) and the
// per-key scope memory of BearerCredentials.
#include <gtest/gtest.h>

#include "credentials/bearer_credentials.hpp"
#include "http/guards.hpp"
#include "mcp/dispatcher.hpp"

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

class KeyedContext final : public mcp::BasicCallContext {
 public:
  explicit KeyedContext(std::string key) : BasicCallContext(client_), key_(std::move(key)) {}
  const std::string* call_key() const override { return &key_; }

 private:
  mcp::ClientInfo client_;
  std::string key_;
};

TEST(BearerCredentials, ScopesArePerKeyAndBounded) {
  credentials::BearerCredentials creds(2);
  KeyedContext a("fini_key_a_0000000000"), b("fini_key_b_0000000000"), c("fini_key_c_0000000000");
  EXPECT_EQ(*creds.key(a), "fini_key_a_0000000000");
  creds.observe("fini_key_a_0000000000", 403, "write", true);
  creds.observe("fini_key_b_0000000000", 200, "write", false);
  EXPECT_EQ(creds.may_for(a, "write"), false);
  EXPECT_EQ(creds.may_for(b, "write"), true);
  EXPECT_EQ(creds.may_for(c, "write"), std::nullopt);  // another user's facts never leak over
  creds.observe("fini_key_c_0000000000", 200, "read", false);  // evicts the least recently used (a)
  EXPECT_EQ(creds.remembered(), 2u);
  EXPECT_EQ(creds.may_for(a, "write"), std::nullopt);
  EXPECT_EQ(creds.may_for(b, "write"), true);
}

TEST(BearerCredentials, NoKeyInContextIsUnauthenticated) {
  credentials::BearerCredentials creds;
  mcp::ClientInfo client;
  mcp::BasicCallContext none(client);
  auto key = creds.key(none);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), Code::kUnauthenticated);
}

TEST(BearerCredentials, DigestIsNotTheKey) {
  const std::string digest = credentials::key_digest("fini_sandbox_acme_rw_1d9a7e3c52");
  EXPECT_EQ(digest.size(), 64u);
  EXPECT_EQ(digest.find("fini_"), std::string::npos);
}

}  // namespace
}  // namespace fini::http
