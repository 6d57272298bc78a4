// The scope probe and key check against the real sandbox: auth before validation, so an empty
// POST to a write route tells write scope (400) from none (403) without creating anything.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "credentials/test_helpers.hpp"
#include "credentials/verifier.hpp"

namespace fini::credentials {
namespace {

using namespace ct;  // NOLINT
using ::testing::HasSubstr;
using ::testing::Not;

class Verifier : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox_ = start_sandbox();
    http_ = client_for(sandbox_->url());
  }
  std::unique_ptr<sim::Sandbox> sandbox_;
  std::unique_ptr<rest::HttpClient> http_;
};

TEST_F(Verifier, SandboxAnswersTheWriteProbeAsTheReasoningAssumes) {
  auto post = [&](const char* key) {
    rest::HttpRequest r;
    r.method = "POST";
    r.path = "/v2/hc-rules/public";
    r.body = "{}";
    r.content_type = "application/json";
    r.bearer_token = key;
    return http_->send(r)->status;
  };
  EXPECT_EQ(post(kAcmeRead), 403);
  EXPECT_EQ(post(kAcmeRw), 400);
  EXPECT_EQ(post(kAcmeWrite), 400);
  EXPECT_EQ(post(kAcmeRevoked), 401);
}

TEST_F(Verifier, ProbeLearnsEachKeysScopes) {
  auto read = probe_key(*http_, kAcmeRead);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->scopes, (std::set<std::string>{"read"}));
  ASSERT_TRUE(read->agents.is_array());
  EXPECT_EQ(read->agents.size(), 3u);

  // Write scope is never probed: it is learned from the user's first write.
  auto rw = probe_key(*http_, kAcmeRw);
  ASSERT_TRUE(rw.ok());
  EXPECT_EQ(rw->scopes, (std::set<std::string>{"read"}));

  auto write_only = probe_key(*http_, kAcmeWrite);
  ASSERT_TRUE(write_only.ok());
  EXPECT_EQ(write_only->scopes, (std::set<std::string>{}));
  EXPECT_TRUE(write_only->agents.empty());

  auto revoked = probe_key(*http_, kAcmeRevoked);
  EXPECT_EQ(revoked.status().code(), Code::kUnauthenticated);
}

TEST_F(Verifier, ProbeCreatesNothing) {
  auto rules_count = [&] {
    rest::HttpRequest r;
    r.method = "GET";
    r.path = "/v2/hc-rules/public";
    r.bearer_token = kAcmeRw;
    auto res = http_->send(r);
    return nlohmann::json::parse(res->body).size();
  };
  const auto before = rules_count();
  ASSERT_TRUE(probe_key(*http_, kAcmeRw).ok());
  EXPECT_EQ(rules_count(), before);
}

TEST_F(Verifier, ProbeSendsOnlyAGet) {
  // A client that refuses every method but GET still checks a key fully.
  auto guarded = client_for(sandbox_->url(), /*read_only=*/true);
  auto check = probe_key(*guarded, kAcmeRw);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->scopes, (std::set<std::string>{"read"}));
  EXPECT_EQ(access_text(*check), "it can read this workspace; write access is checked on the first change you make");
}

TEST_F(Verifier, CheckKeyMessagesForAPersonWhoPastedAKey) {
  const std::string base = sandbox_->url();
  EXPECT_EQ(check_key(*http_, "nope", base).status().message(),
            "that is not a Fini API key: Fini keys start with \"fini_\" (copy it from the Fini dashboard, Deploy → "
            "API Keys)");
  EXPECT_EQ(check_key(*http_, "${user_config.api_key}", base).status().code(), Code::kInvalidArgument);
  auto revoked = check_key(*http_, kAcmeRevoked, base);
  EXPECT_EQ(revoked.status().message(),
            "Fini rejected this key (HTTP 401): it is malformed, revoked or belongs to no workspace. Copy the key "
            "again from the Fini dashboard (Deploy → API Keys).");
  auto unreachable = client_for("http://127.0.0.1:1");
  auto down = check_key(*unreachable, kAcmeRw, "http://127.0.0.1:1");
  EXPECT_EQ(down.status().code(), Code::kUnavailable);
  EXPECT_THAT(down.status().message(), HasSubstr("could not check the key with Fini at http://127.0.0.1:1: "));
  EXPECT_THAT(down.status().message(), Not(HasSubstr(kAcmeRw)));
  EXPECT_TRUE(check_key(*http_, kAcmeRw, base).ok());
}

}  // namespace
}  // namespace fini::credentials
