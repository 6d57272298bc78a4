// BearerAuth: the caller's key from the Authorization header (raw fini_ key, an access token
// opened by the real oauth::AuthServer, the --sandbox keyless key), the 401 texts and challenges,
// the key-guessing limits' verdicts (real AbuseLimits) and the re-sign-in 401.
#include "http/bearer_auth.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include "http/http_options.hpp"
#include "http/metrics.hpp"
#include "oauth/auth_server.hpp"
#include "oauth/tokens.hpp"

namespace fini::http {
namespace {

using Json = nlohmann::json;
constexpr const char* kKey = "fini_sandbox_acme_rw_1d9a7e3c52";
const std::string kSecret(64, 's');
const std::string kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const std::string kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const std::string kRedirect = "http://127.0.0.1:1/cb";
const std::string kHost = "127.0.0.1:8080";

KeyRing ring() { return std::move(*KeyRing::from_secrets({kSecret})); }

httplib::Request post(const std::optional<std::string>& authorization) {
  httplib::Request req;
  req.method = "POST";
  req.path = "/mcp";
  req.remote_addr = "127.0.0.1";
  req.headers.emplace("Host", kHost);
  if (authorization) req.headers.emplace("Authorization", *authorization);
  return req;
}

bool counted(const Metrics& metrics, const std::string& reason) {
  return metrics.render().find("fini_mcp_http_rejected_total{reason=\"" + reason + "\"} 1") != std::string::npos;
}

class BearerAuthTest : public ::testing::Test {
 protected:
  // An access token for `key`, as the AuthServer's /token would issue it (same ring, same audience).
  static std::string token_for(const std::string& key) {
    const KeyRing keys = ring();
    oauth::TokenService tokens(keys, oauth::AuthServerOptions{}.tokens);
    const std::string resource = "http://" + kHost + "/mcp";
    auto code = tokens.issue_code(oauth::CodeGrant{key, "client-1", kRedirect, kChallenge, resource, "mcp"});
    auto out = tokens.redeem_code(*code, "client-1", kRedirect, kVerifier, resource);
    return std::get<Json>(out)["access_token"];
  }
  oauth::AuthServer auth_{ring(),
                          [](const std::string&) { return Result<credentials::KeyCheck>(credentials::KeyCheck{}); },
                          oauth::AuthServerOptions{}};
  HttpOptions options_;
  Metrics metrics_;
  BearerAuth bearer_{options_, metrics_};
};

TEST_F(BearerAuthTest, ARawKeyIsTheCallersKey) {
  const Credential c = bearer_.credential(post("Bearer " + std::string(kKey)));
  EXPECT_TRUE(c.presented);
  EXPECT_EQ(c.key, kKey);
  EXPECT_FALSE(c.reauth);
  EXPECT_TRUE(bearer_.admissible(post("Bearer " + std::string(kKey))));
}

TEST_F(BearerAuthTest, NotAKeyIsNoKey) {
  for (const char* header : {"Bearer nonsense", "Basic Zm9vOmJhcg==", "fini_sandbox_acme_rw_1d9a7e3c52", "Bearer "}) {
    const Credential c = bearer_.credential(post(std::string(header)));
    EXPECT_TRUE(c.presented) << header;
    EXPECT_FALSE(c.key) << header;
    EXPECT_FALSE(bearer_.admissible(post(std::string(header)))) << header;
  }
}

TEST_F(BearerAuthTest, NoHeaderIsTheKeylessKeyOnlyUnderSandbox) {
  EXPECT_FALSE(bearer_.credential(post(std::nullopt)).key);
  options_.keyless_key = kKey;
  const Credential c = bearer_.credential(post(std::nullopt));
  EXPECT_FALSE(c.presented);
  EXPECT_EQ(c.key, kKey);
  // A request that sends a header is checked as usual.
  EXPECT_FALSE(bearer_.credential(post("Bearer nonsense")).key);
}

TEST_F(BearerAuthTest, NoHeaderMayHaveItsBodyReadOnlyWithAnonymousDiscovery) {
  EXPECT_FALSE(bearer_.admissible(post(std::nullopt)));
  options_.anonymous_discovery = true;
  EXPECT_TRUE(bearer_.admissible(post(std::nullopt)));
}

TEST_F(BearerAuthTest, AnAccessTokenOpensToItsKeyAndCarriesTheReSignInChallenge) {
  const std::string token = token_for(kKey);
  EXPECT_FALSE(bearer_.credential(post("Bearer " + token)).key);  // no AuthGate: not a key
  options_.auth = &auth_;
  const Credential c = bearer_.credential(post("Bearer " + token));
  EXPECT_EQ(c.key, kKey);
  ASSERT_TRUE(c.reauth);
  EXPECT_EQ(*c.reauth, "Bearer error=\"invalid_token\", resource_metadata=\"http://" + kHost +
                           "/.well-known/oauth-protected-resource/mcp\", scope=\"mcp\"");
  EXPECT_TRUE(bearer_.admissible(post("Bearer " + token)));
  EXPECT_FALSE(bearer_.admissible(post("Bearer " + token + "x")));
  EXPECT_FALSE(bearer_.credential(post("Bearer " + token + "x")).key);
}

TEST_F(BearerAuthTest, The401TextsAndChallenges) {
  httplib::Response none;
  const std::string why = bearer_.unauthorized(post(std::nullopt), none, "unauthorized");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.get_header_value("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(why, "Unauthorized: send your Fini API key as `Authorization: Bearer fini_…`.");
  EXPECT_EQ(Json::parse(none.body)["error"]["code"], -32001);
  EXPECT_EQ(Json::parse(none.body)["error"]["message"], why);
  EXPECT_TRUE(counted(metrics_, "unauthorized"));

  httplib::Response bad;
  bearer_.unauthorized(post("Bearer nonsense"), bad, "unauthorized_before_body");
  EXPECT_EQ(bad.get_header_value("WWW-Authenticate"), "Bearer error=\"invalid_token\"");
  EXPECT_NE(bad.body.find("must be `Bearer fini_…` with a Fini API key"), std::string::npos);
  EXPECT_EQ(bad.body.find("nonsense"), std::string::npos);  // the credential is never echoed
  EXPECT_TRUE(counted(metrics_, "unauthorized_before_body"));

  options_.auth = &auth_;
  httplib::Response oauth;
  bearer_.unauthorized(post(std::nullopt), oauth, "unauthorized");
  EXPECT_EQ(
      oauth.get_header_value("WWW-Authenticate"),
      "Bearer resource_metadata=\"http://" + kHost + "/.well-known/oauth-protected-resource/mcp\", scope=\"mcp\"");
  httplib::Response expired;
  bearer_.unauthorized(post("Bearer nonsense"), expired, "unauthorized");
  EXPECT_NE(expired.body.find("the token is invalid or expired (sign in again)"), std::string::npos);
}

TEST_F(BearerAuthTest, WithoutLimitsEveryKeyGoes) {
  httplib::Response res;
  EXPECT_TRUE(bearer_.key_admitted(post("Bearer " + std::string(kKey)), kKey, res));
  EXPECT_EQ(res.status, -1);
}

TEST_F(BearerAuthTest, AKeyFiniRefusedMomentsAgoIs401AtOnce) {
  options_.limits = std::make_shared<AbuseLimits>(AbuseOptions{});
  options_.limits->key_answered(kKey, 401);
  httplib::Response res;
  EXPECT_FALSE(bearer_.key_admitted(post("Bearer " + std::string(kKey)), kKey, res));
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(res.get_header_value("WWW-Authenticate"), "Bearer error=\"invalid_token\"");
  EXPECT_NE(res.body.find("Use a valid key (Fini → Deploy → API Keys)."), std::string::npos);
  EXPECT_EQ(res.body.find(kKey), std::string::npos);
  EXPECT_TRUE(counted(metrics_, "refused_key_cached"));
}

TEST_F(BearerAuthTest, TooManyNewKeysIs429WithRetryAfterAndTheConnectionClosed) {
  AbuseOptions limits;
  limits.key_checks = Rate{1, std::chrono::duration<double>(60)};
  options_.limits = std::make_shared<AbuseLimits>(limits);
  const std::string first = "fini_sandbox_acme_rw_aaaaaaaaaa", second = "fini_sandbox_acme_rw_bbbbbbbbbb";
  httplib::Response go;
  EXPECT_TRUE(bearer_.key_admitted(post("Bearer " + first), first, go));
  options_.limits->probe_done(first);
  httplib::Response res;
  EXPECT_FALSE(bearer_.key_admitted(post("Bearer " + second), second, res));
  EXPECT_EQ(res.status, 429);
  EXPECT_GT(std::stoi(res.get_header_value("Retry-After")), 0);
  EXPECT_EQ(res.get_header_value("Connection"), "close");
  EXPECT_EQ(Json::parse(res.body)["error"]["code"], -32000);
  EXPECT_TRUE(counted(metrics_, "rate_limited"));
}

TEST_F(BearerAuthTest, ReauthenticateIs401WithTheChallenge) {
  httplib::Response res;
  bearer_.reauthenticate("Bearer error=\"invalid_token\", scope=\"mcp\"", res);
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(res.get_header_value("WWW-Authenticate"), "Bearer error=\"invalid_token\", scope=\"mcp\"");
  EXPECT_EQ(Json::parse(res.body)["error"]["message"],
            "Unauthorized: Fini refused the key of this sign-in; sign in again.");
}

}  // namespace
}  // namespace fini::http
