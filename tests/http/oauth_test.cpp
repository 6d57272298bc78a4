#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include "common/keyring.hpp"
#include "oauth/clients.hpp"
#include "oauth/codec.hpp"
#include "oauth/redirect_uri.hpp"
#include "oauth/tokens.hpp"

namespace fini::oauth {
namespace {

using Json = nlohmann::json;
const std::string kSecretA(64, 'a');
const std::string kSecretB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const std::string kKey = "fini_canary_key_0123456789abcdef";

KeyRing ring(std::vector<std::string> secrets) { return std::move(KeyRing::from_secrets(secrets).value()); }

TEST(Codec, Base64UrlRoundTripsAndRejectsJunk) {
  for (const std::string& s :
       std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\xff\xfe\x00\x01", 4)}) {
    auto back = base64url_decode(base64url_encode(s));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode(std::string("\xfb\xff", 2)), "-_8");
  EXPECT_FALSE(base64url_decode("Zm9v=").has_value());
  EXPECT_FALSE(base64url_decode("Zm+v").has_value());
  EXPECT_FALSE(base64url_decode("Z").has_value());
}

TEST(Codec, PkceS256MatchesTheRfc7636Example) {
  const std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  EXPECT_TRUE(pkce_s256_matches(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
  EXPECT_FALSE(pkce_s256_matches(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"));
  EXPECT_FALSE(pkce_s256_matches("short", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
  EXPECT_FALSE(valid_code_verifier(std::string(129, 'a')));
  EXPECT_FALSE(valid_code_verifier(std::string(43, '+')));
}

TEST(KeyRing, SealsAndOpensWithoutShowingThePayload) {
  auto r = ring({kSecretA});
  auto sealed = r.seal("access", Json{{"k", kKey}});
  ASSERT_TRUE(sealed.has_value());
  EXPECT_EQ(sealed->rfind("fm1.", 0), 0u);
  EXPECT_EQ(sealed->find(kKey), std::string::npos);
  EXPECT_EQ(sealed->find(base64url_encode(kKey).substr(0, 20)), std::string::npos);
  auto opened = r.open("access", *sealed);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ((*opened)["k"], kKey);
  EXPECT_NE(*r.seal("access", Json{{"k", kKey}}), *sealed);  // a fresh nonce every time
}

TEST(KeyRing, RefusesAnotherTypeAnotherSecretAndAnyAlteredByte) {
  auto a = ring({kSecretA});
  auto b = ring({kSecretB});
  const std::string sealed = *a.seal("access", Json{{"k", kKey}});
  EXPECT_FALSE(a.open("refresh", sealed).has_value());
  EXPECT_FALSE(b.open("access", sealed).has_value());
  for (std::size_t i = 0; i < sealed.size(); i += 7) {
    std::string t = sealed;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(a.open("access", t).has_value()) << "byte " << i;
  }
  EXPECT_FALSE(a.open("access", "").has_value());
  EXPECT_FALSE(a.open("access", "fm1..").has_value());
  EXPECT_FALSE(a.open("access", std::string(kMaxSealedLength + 1, 'a')).has_value());
}

TEST(KeyRing, RotationNewFirstSealsOldStillOpens) {
  auto old_ring = ring({kSecretA});
  auto rotated = ring({kSecretB, kSecretA});
  auto new_only = ring({kSecretB});
  const std::string old_token = *old_ring.seal("access", Json{{"k", kKey}});
  EXPECT_TRUE(rotated.open("access", old_token).has_value());
  const std::string new_token = *rotated.seal("access", Json{{"k", kKey}});
  EXPECT_TRUE(new_only.open("access", new_token).has_value());
  EXPECT_FALSE(old_ring.open("access", new_token).has_value());
  EXPECT_FALSE(new_only.open("access", old_token).has_value());
}

TEST(KeyRing, SecretFileRulesAndShortSecrets) {
  EXPECT_FALSE(KeyRing::from_secrets({"short"}).ok());
  EXPECT_FALSE(KeyRing::from_secrets({}).ok());
  const std::string path = ::testing::TempDir() + "/oauth-secret-" + std::to_string(::getpid());
  {
    std::ofstream out(path);
    out << "# newest first\n\n" << kSecretB << "\n" << kSecretA << "\n";
  }
  ::chmod(path.c_str(), 0644);
  auto loose = KeyRing::from_file(path);
  ASSERT_FALSE(loose.ok());
  EXPECT_NE(loose.status().message().find("chmod 600"), std::string::npos);
  EXPECT_EQ(loose.status().message().find(kSecretA), std::string::npos);
  ::chmod(path.c_str(), 0600);
  auto ok = KeyRing::from_file(path);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->size(), 2u);
  EXPECT_TRUE(ring({kSecretB}).open("x", *ok->seal("x", Json::object())).has_value());
  std::remove(path.c_str());
  EXPECT_FALSE(KeyRing::from_file(path).ok());
}

TEST(RedirectUri, HttpsOrLoopbackHttpOnly) {
  EXPECT_FALSE(redirect_uri_problem("https://claude.ai/api/mcp/auth_callback").has_value());
  EXPECT_FALSE(redirect_uri_problem("http://127.0.0.1:8765/cb").has_value());
  EXPECT_FALSE(redirect_uri_problem("http://localhost:1/cb").has_value());
  EXPECT_FALSE(redirect_uri_problem("http://[::1]:9/cb").has_value());
  EXPECT_TRUE(redirect_uri_problem("http://evil.example/cb").has_value());
  EXPECT_TRUE(redirect_uri_problem("http://127.0.0.1.evil.example/cb").has_value());
  EXPECT_TRUE(redirect_uri_problem("https://claude.ai/cb#frag").has_value());
  EXPECT_TRUE(redirect_uri_problem("https://user@claude.ai/cb").has_value());
  EXPECT_TRUE(redirect_uri_problem("javascript:alert(1)").has_value());
  EXPECT_TRUE(redirect_uri_problem("https://claude.ai/\"><script>").has_value());
  EXPECT_TRUE(redirect_uri_problem("https:///nohost").has_value());
  EXPECT_TRUE(redirect_uri_problem("").has_value());
  EXPECT_EQ(uri_origin("https://claude.ai/api/mcp/auth_callback"), "https://claude.ai");
  EXPECT_EQ(uri_origin("http://127.0.0.1:8765/cb?x=1"), "http://127.0.0.1:8765");
  EXPECT_EQ(uri_host("http://[::1]:9/cb"), "[::1]");
  EXPECT_EQ(with_query("https://a.example/cb", "code=1"), "https://a.example/cb?code=1");
  EXPECT_EQ(with_query("https://a.example/cb?x=1", "code=1"), "https://a.example/cb?x=1&code=1");
}

TEST(ReplayGuard, FirstUseOnlyAndFailsClosedWhenFull) {
  using Use = ReplayGuard::Use;
  ReplayGuard g(2);
  EXPECT_EQ(g.use("a", 100, 0), Use::kFirst);
  EXPECT_EQ(g.use("a", 100, 1), Use::kReplay);
  EXPECT_EQ(g.use("b", 200, 1), Use::kFirst);
  EXPECT_EQ(g.use("c", 300, 1), Use::kFull);  // full of live ids: refuse, never forget "a"
  EXPECT_EQ(g.use("a", 100, 2), Use::kReplay);
  EXPECT_EQ(g.size(), 2u);
  EXPECT_EQ(g.use("d", 400, 250), Use::kFirst);  // "a" and "b" expired and are forgotten
  EXPECT_EQ(g.size(), 1u);
}

TEST(RefreshFamilies, ReuseRevokesTheFamilyAndAFullTableRefusesNewOnes) {
  using O = RefreshFamilies::Outcome;
  RefreshFamilies f(2);
  EXPECT_EQ(f.rotate("f1", 0, 1000, 0), O::kCurrent);
  EXPECT_EQ(f.rotate("f1", 1, 1000, 1), O::kCurrent);
  EXPECT_EQ(f.rotate("f2", 0, 1000, 1), O::kCurrent);
  EXPECT_EQ(f.rotate("f3", 0, 1000, 1), O::kFull);    // never forget a live family
  EXPECT_EQ(f.rotate("f1", 0, 1000, 2), O::kReused);  // generation 0 was rotated already
  EXPECT_TRUE(f.revoked("f1"));
  EXPECT_EQ(f.rotate("f1", 2, 1000, 3), O::kRevoked);  // the successor is dead too
  EXPECT_FALSE(f.revoked("f2"));
  EXPECT_EQ(f.reuses(), 1u);
  EXPECT_EQ(f.rotate("f3", 0, 5000, 1000), O::kCurrent);  // the others expired
}

struct TokenFixture : ::testing::Test {
  KeyRing keys = ring({kSecretA});
  std::int64_t now = 1'000'000;
  TokenOptions options() {
    TokenOptions o;
    o.clock = [this] { return now; };
    return o;
  }
  TokenService tokens{keys, options()};
  const std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const std::string challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  const std::string resource = "https://mcp.example.com/mcp";
  std::string code() {
    return *tokens.issue_code(CodeGrant{kKey, "client-1", "https://claude.ai/cb", challenge, resource, "mcp"});
  }
  static std::string error_of(const OAuthResult<Json>& r) {
    return std::holds_alternative<OAuthError>(r) ? std::get<OAuthError>(r).error : "ok";
  }
};

TEST_F(TokenFixture, CodeRedeemsOnceForTokensThatOpenOnlyForTheirAudience) {
  const std::string c = code();
  EXPECT_EQ(c.find(kKey), std::string::npos);
  auto out = tokens.redeem_code(c, "client-1", "https://claude.ai/cb", verifier, resource);
  ASSERT_EQ(error_of(out), "ok");
  const Json body = std::get<Json>(out);
  EXPECT_EQ(body["token_type"], "Bearer");
  EXPECT_EQ(body["expires_in"], 3600);
  const std::string at = body["access_token"];
  auto opened = tokens.open_access(at, resource);
  ASSERT_TRUE(std::holds_alternative<TokenService::Opened>(opened));
  EXPECT_EQ(std::get<TokenService::Opened>(opened).key, kKey);
  EXPECT_EQ(std::get<TokenService::Refusal>(tokens.open_access(at, "https://other.example/mcp")),
            TokenService::Refusal::kAudience);
  now += 3600 * 1000;
  EXPECT_EQ(std::get<TokenService::Refusal>(tokens.open_access(at, resource)), TokenService::Refusal::kExpired);
  // The refresh token still works, and rotates: the used one is refused here.
  const std::string rt = body["refresh_token"];
  auto refreshed = tokens.refresh(rt, "client-1", resource);
  ASSERT_EQ(error_of(refreshed), "ok");
  EXPECT_NE(std::get<Json>(refreshed)["refresh_token"], rt);
  EXPECT_TRUE(std::holds_alternative<TokenService::Opened>(
      tokens.open_access(std::get<Json>(refreshed)["access_token"], resource)));
  EXPECT_EQ(error_of(tokens.refresh(std::get<Json>(refreshed)["refresh_token"], "client-2", resource)),
            "invalid_grant");
  EXPECT_EQ(error_of(tokens.refresh(rt, "client-1", resource)), "invalid_grant");
  // That reuse revoked the family: the successor refresh token and its access token are dead.
  EXPECT_EQ(error_of(tokens.refresh(std::get<Json>(refreshed)["refresh_token"], "client-1", resource)),
            "invalid_grant");
  EXPECT_EQ(std::get<TokenService::Refusal>(tokens.open_access(std::get<Json>(refreshed)["access_token"], resource)),
            TokenService::Refusal::kRevoked);
}

TEST_F(TokenFixture, AReplayedCodeRevokesTheTokensIssuedForIt) {
  const std::string c = code();
  const Json body = std::get<Json>(tokens.redeem_code(c, "client-1", "https://claude.ai/cb", verifier, resource));
  EXPECT_EQ(error_of(tokens.redeem_code(c, "client-1", "https://claude.ai/cb", verifier, resource)), "invalid_grant");
  EXPECT_EQ(std::get<TokenService::Refusal>(tokens.open_access(body["access_token"], resource)),
            TokenService::Refusal::kRevoked);
  EXPECT_EQ(error_of(tokens.refresh(body["refresh_token"], "client-1", resource)), "invalid_grant");
}

TEST_F(TokenFixture, UsedRefreshTokensStayUsedAfterManyOtherRefreshes) {
  auto first = std::get<Json>(tokens.redeem_code(code(), "client-1", "https://claude.ai/cb", verifier, resource));
  const std::string used = first["refresh_token"];
  std::string rt = std::get<Json>(tokens.refresh(used, "client-1", resource))["refresh_token"];
  // Many other sign-ins refreshing (more than the old 100k-entry memory held is too slow for a
  // unit test; the memory is per family now, so a long chain of one family proves the point).
  for (int i = 0; i < 300; ++i) {
    auto c = std::get<Json>(tokens.redeem_code(code(), "client-1", "https://claude.ai/cb", verifier, resource));
    ASSERT_EQ(error_of(tokens.refresh(c["refresh_token"], "client-1", resource)), "ok");
  }
  EXPECT_EQ(error_of(tokens.refresh(used, "client-1", resource)), "invalid_grant");
  EXPECT_EQ(error_of(tokens.refresh(rt, "client-1", resource)), "invalid_grant");  // revoked with its family
}

TEST(ReplayCapacity, FullMemoryRefusesInsteadOfForgetting) {
  KeyRing keys = ring({kSecretA});
  std::int64_t now = 1'000'000;
  TokenOptions o;
  o.clock = [&now] { return now; };
  o.family_capacity = 3;
  TokenService tokens(keys, o);
  const std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const std::string challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  auto fresh = [&] {
    auto c =
        *tokens.issue_code(CodeGrant{kKey, "c", "https://claude.ai/cb", challenge, "https://m.example/mcp", "mcp"});
    return std::get<Json>(tokens.redeem_code(c, "c", "https://claude.ai/cb", verifier, ""))["refresh_token"]
        .get<std::string>();
  };
  const std::string used = fresh();
  ASSERT_TRUE(std::holds_alternative<Json>(tokens.refresh(used, "c", "")));
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(std::holds_alternative<Json>(tokens.refresh(fresh(), "c", "")));
  auto full = tokens.refresh(fresh(), "c", "");
  ASSERT_TRUE(std::holds_alternative<OAuthError>(full));
  EXPECT_EQ(std::get<OAuthError>(full).http_status, 503);
  EXPECT_EQ(std::get<OAuthError>(tokens.refresh(used, "c", "")).error, "invalid_grant");  // still remembered
}

TEST_F(TokenFixture, CodeBindings) {
  EXPECT_EQ(error_of(tokens.redeem_code(code(), "client-1", "https://claude.ai/cb", verifier + "x", resource)),
            "invalid_grant");
  EXPECT_EQ(error_of(tokens.redeem_code(code(), "client-1", "https://claude.ai/cb",
                                        "aBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", resource)),
            "invalid_grant");
  EXPECT_EQ(error_of(tokens.redeem_code(code(), "client-2", "https://claude.ai/cb", verifier, resource)),
            "invalid_grant");
  EXPECT_EQ(error_of(tokens.redeem_code(code(), "client-1", "https://claude.ai/cb2", verifier, resource)),
            "invalid_grant");
  EXPECT_EQ(error_of(tokens.redeem_code(code(), "client-1", "https://claude.ai/cb", verifier, "https://x.example/mcp")),
            "invalid_target");
  const std::string c = code();
  now += 60 * 1000;
  EXPECT_EQ(error_of(tokens.redeem_code(c, "client-1", "https://claude.ai/cb", verifier, resource)), "invalid_grant");
  // A code is not a token and a token is not a code.
  EXPECT_TRUE(std::holds_alternative<TokenService::Refusal>(tokens.open_access(code(), resource)));
  EXPECT_EQ(error_of(tokens.refresh(code(), "client-1", resource)), "invalid_grant");
}

TEST(ClientRegistry, RegistersStatelessAndRefusesUnknownOrBadClients) {
  auto keys = ring({kSecretA});
  ClientRegistry reg(keys, ClientOptions{});
  auto out = reg.register_client(Json{{"client_name", "Claude"}, {"redirect_uris", {"https://claude.ai/cb"}}}, 5000);
  ASSERT_TRUE(std::holds_alternative<Json>(out));
  const Json body = std::get<Json>(out);
  EXPECT_EQ(body["client_id_issued_at"], 5);
  EXPECT_EQ(body["token_endpoint_auth_method"], "none");
  auto client = reg.resolve(body["client_id"]);
  ASSERT_TRUE(std::holds_alternative<Client>(client));
  EXPECT_EQ(std::get<Client>(client).name, "Claude");
  EXPECT_EQ(std::get<Client>(client).redirect_uris, std::vector<std::string>{"https://claude.ai/cb"});
  auto other = ring({kSecretB});
  EXPECT_EQ(std::get<OAuthError>(ClientRegistry(other, {}).resolve(body["client_id"])).http_status, 401);
  EXPECT_EQ(std::get<OAuthError>(reg.resolve("garbage")).error, "invalid_client");
  EXPECT_EQ(std::get<OAuthError>(reg.register_client(Json{{"redirect_uris", {"http://evil.example/cb"}}}, 0)).error,
            "invalid_redirect_uri");
  // Only Claude and loopback by default; any other https host needs --allowed-redirect-hosts.
  EXPECT_EQ(std::get<OAuthError>(reg.register_client(Json{{"redirect_uris", {"https://evil.example/cb"}}}, 0)).error,
            "invalid_redirect_uri");
  ClientOptions wider;
  wider.allowed_redirect_hosts = {"*.example.com", "app.example.org"};
  ClientRegistry widened(keys, wider);
  EXPECT_TRUE(
      std::holds_alternative<Json>(widened.register_client(Json{{"redirect_uris", {"https://a.example.com/cb"}}}, 0)));
  EXPECT_TRUE(std::holds_alternative<Json>(
      widened.register_client(Json{{"redirect_uris", {"https://APP.example.org/cb"}}}, 0)));
  EXPECT_FALSE(std::holds_alternative<Json>(
      widened.register_client(Json{{"redirect_uris", {"https://example.com.evil.io/cb"}}}, 0)));
  EXPECT_EQ(std::get<OAuthError>(reg.register_client(Json{{"client_name", "x"}}, 0)).error, "invalid_client_metadata");
  // A confidential method asked for is replaced: every client here is public.
  EXPECT_EQ(std::get<Json>(reg.register_client(Json{{"redirect_uris", {"https://claude.com/cb"}},
                                                    {"token_endpoint_auth_method", "client_secret_basic"}},
                                               0))["token_endpoint_auth_method"],
            "none");
  EXPECT_TRUE(ClientRegistry::is_metadata_url("https://claude.ai/oauth/mcp-oauth-client-metadata"));
  EXPECT_FALSE(ClientRegistry::is_metadata_url("https://claude.ai/"));
  EXPECT_FALSE(ClientRegistry::is_metadata_url("http://claude.ai/x"));
}

TEST(ClientRegistry, MetadataDocumentOnAPrivateAddressIsRefusedByDefault) {
  auto keys = ring({kSecretA});
  ClientRegistry reg(keys, ClientOptions{});
  auto r = reg.resolve("https://127.0.0.1:9/client.json");
  ASSERT_TRUE(std::holds_alternative<OAuthError>(r));
  EXPECT_EQ(std::get<OAuthError>(r).error, "invalid_client");
  EXPECT_NE(std::get<OAuthError>(r).description.find("public address"), std::string::npos);
}

}  // namespace
}  // namespace fini::oauth
