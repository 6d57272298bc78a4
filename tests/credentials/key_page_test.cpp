// The one-time key page over real HTTP on loopback: Host/Origin checks (DNS rebinding), CSRF,
// expiry on an injected clock, single use, wrong-then-right key, and no key in any HTML.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "credentials/key_page.hpp"
#include "credentials/test_helpers.hpp"

namespace fini::credentials {
namespace {

using namespace ct;  // NOLINT
using ::testing::HasSubstr;
using ::testing::Not;

// A handler that accepts exactly one key, like SessionCredentials does after asking Fini.
class KeyPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    KeyPageOptions options;
    options.ttl = std::chrono::minutes(10);
    options.clock = [this] { return now_.load(); };
    options.max_attempts = 5;
    page_ = std::make_unique<KeyPage>(
        [this](const std::string& key) -> Result<std::string> {
          std::lock_guard lock(mutex_);
          submitted_.push_back(key);
          if (key == kAcmeRw) return std::string("Fini accepted the key (scopes: read, write).");
          return Status(Code::kUnauthenticated, "Fini rejected this key (HTTP 401). Try again.");
        },
        options);
    ASSERT_TRUE(page_->start().ok());
    auto link = page_->open_link();
    ASSERT_TRUE(link.ok());
    link_ = *link;
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(page_->port()); }
  void advance(std::chrono::milliseconds d) { now_.store(now_.load() + d); }

  std::atomic<std::chrono::steady_clock::time_point> now_{std::chrono::steady_clock::time_point{} +
                                                          std::chrono::hours(1)};
  std::unique_ptr<KeyPage> page_;
  KeyPage::Link link_;
  std::mutex mutex_;
  std::vector<std::string> submitted_;
};

TEST_F(KeyPageTest, LinkIsLoopbackWithAnUnguessableIdAndNoSecrets) {
  EXPECT_THAT(link_.url, ::testing::MatchesRegex("http://127\\.0\\.0\\.1:[0-9]+/key/[0-9a-f]{64}"));
  EXPECT_EQ(link_.url, "http://" + host() + "/key/" + link_.id);
  auto other = page_->open_link();
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->id, link_.id);
  EXPECT_EQ(page_->state(link_.id), KeyPage::LinkState::kOpen);
  EXPECT_EQ(page_->state(std::string(64, '0')), KeyPage::LinkState::kUnknown);
}

TEST_F(KeyPageTest, FormIsPlainHtmlWithPasswordInputAndCsrfToken) {
  auto reply = page_get(link_.url);
  EXPECT_EQ(reply.status, 200);
  EXPECT_THAT(reply.body, HasSubstr("<input type=\"password\" id=\"key\" name=\"key\""));
  EXPECT_THAT(reply.body, HasSubstr("action=\"/key/" + link_.id + "\""));
  EXPECT_THAT(reply.body, Not(HasSubstr("<script")));
  EXPECT_EQ(csrf_of(reply.body).size(), 64u);
}

TEST_F(KeyPageTest, ForeignHostIsForbiddenAgainstDnsRebinding) {
  const std::string port = std::to_string(page_->port());
  for (const std::string& bad :
       std::vector<std::string>{"evil.example:" + port, "127.0.0.1:1", "attacker.test", "127.0.0.1"}) {
    auto reply = page_get(link_.url, {{"Host", bad}});
    EXPECT_EQ(reply.status, 403) << bad;
    EXPECT_EQ(reply.body, "Forbidden: this page only answers at http://127.0.0.1:" + port + "/.\n");
    EXPECT_EQ(page_post(link_.url, "key=x", {{"Host", bad}}).status, 403) << bad;
  }
  EXPECT_EQ(page_get(link_.url, {{"Host", "localhost:" + port}}).status, 200);
}

TEST_F(KeyPageTest, ForeignOriginIsForbidden) {
  const std::string port = std::to_string(page_->port());
  const std::string csrf = csrf_of(page_get(link_.url).body);
  const std::string body = "csrf=" + csrf + "&key=" + std::string(kAcmeRw);
  for (const std::string& bad :
       std::vector<std::string>{"http://evil.example", "null", "http://127.0.0.1:1", "https://127.0.0.1:" + port}) {
    auto reply = page_post(link_.url, body, {{"Origin", bad}});
    EXPECT_EQ(reply.status, 403) << bad;
    EXPECT_EQ(reply.body, "Forbidden: cross-origin requests are not accepted.\n");
  }
  EXPECT_TRUE(submitted_.empty());
  EXPECT_EQ(page_post(link_.url, body, {{"Origin", "http://127.0.0.1:" + port}}).status, 200);
}

TEST_F(KeyPageTest, PostWithoutTheRightCsrfTokenIsRefusedBeforeTheKeyIsLookedAt) {
  EXPECT_EQ(page_post(link_.url, "key=" + std::string(kAcmeRw)).status, 403);
  auto wrong = page_post(link_.url, "csrf=" + std::string(64, 'a') + "&key=" + std::string(kAcmeRw));
  EXPECT_EQ(wrong.status, 403);
  EXPECT_THAT(wrong.body, HasSubstr("The form token did not match."));
  EXPECT_TRUE(submitted_.empty());
  EXPECT_EQ(page_->state(link_.id), KeyPage::LinkState::kOpen);
}

TEST_F(KeyPageTest, WrongKeyThenRightKeyOnTheSamePage) {
  auto wrong = submit_key(link_.url, kAcmeRevoked);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_THAT(wrong.body,
              HasSubstr("<p class=\"error\" id=\"error\">Fini rejected this key (HTTP 401). Try again.</p>"));
  EXPECT_THAT(wrong.body, HasSubstr("name=\"csrf\""));  // the form again
  EXPECT_THAT(wrong.body, Not(HasSubstr(kAcmeRevoked)));
  EXPECT_EQ(page_->state(link_.id), KeyPage::LinkState::kOpen);

  auto right = submit_key(link_.url, kAcmeRw);
  EXPECT_EQ(right.status, 200);
  EXPECT_THAT(right.body, HasSubstr("Fini accepted the key (scopes: read, write)."));
  EXPECT_THAT(right.body, Not(HasSubstr(kAcmeRw)));
  EXPECT_THAT(submitted_, ::testing::ElementsAre(kAcmeRevoked, kAcmeRw));
}

TEST_F(KeyPageTest, FormEncodedKeyIsDecoded) {
  const std::string csrf = csrf_of(page_get(link_.url).body);
  // '+' is a space and %5F is '_': what a browser sends for a key pasted with a trailing space.
  page_post(link_.url, "csrf=" + csrf + "&key=fini%5Fsandbox_acme_rw_1d9a7e3c52+");
  ASSERT_EQ(submitted_.size(), 1u);
  EXPECT_EQ(submitted_[0], std::string(kAcmeRw) + " ");
}

// A malformed %-escape makes the form unreadable: refused like a stale form, and the handler (which
// would send the text to Fini) never sees a half-decoded key; the link stays usable.
TEST_F(KeyPageTest, MalformedEscapeRefusesTheFormBeforeTheKeyIsLookedAt) {
  const std::string csrf = csrf_of(page_get(link_.url).body);
  auto bad = page_post(link_.url, "csrf=" + csrf + "&key=fini%5Fsandbox%zz");
  EXPECT_EQ(bad.status, 403);
  EXPECT_THAT(bad.body, HasSubstr("The form token did not match."));
  EXPECT_TRUE(submitted_.empty());
  EXPECT_EQ(page_->state(link_.id), KeyPage::LinkState::kOpen);
  EXPECT_EQ(submit_key(link_.url, kAcmeRw).status, 200);
}

// The first of repeated fields counts, and a '=' inside a value is part of the value.
TEST_F(KeyPageTest, FirstFieldWinsAndEqualsSignsStayInTheValue) {
  const std::string csrf = csrf_of(page_get(link_.url).body);
  page_post(link_.url, "csrf=" + csrf + "&key=a=b=&csrf=other&key=second");
  ASSERT_EQ(submitted_.size(), 1u);
  EXPECT_EQ(submitted_[0], "a=b=");
}

TEST_F(KeyPageTest, SingleUseOnceAKeyIsAccepted) {
  ASSERT_EQ(submit_key(link_.url, kAcmeRw).status, 200);
  EXPECT_EQ(page_->state(link_.id), KeyPage::LinkState::kUsed);
  auto again = page_get(link_.url);
  EXPECT_EQ(again.status, 410);
  EXPECT_THAT(again.body, HasSubstr("This link was already used"));
  EXPECT_EQ(page_post(link_.url, "csrf=x&key=y").status, 410);
  EXPECT_EQ(submitted_.size(), 1u);
}

TEST_F(KeyPageTest, ExpiresAfterTheTtlOnTheInjectedClock) {
  const std::string csrf = csrf_of(page_get(link_.url).body);
  advance(std::chrono::minutes(9));
  EXPECT_EQ(page_->state(link_.id), KeyPage::LinkState::kOpen);
  EXPECT_EQ(page_->remaining(link_.id), std::chrono::minutes(1));
  advance(std::chrono::minutes(1));
  EXPECT_EQ(page_->state(link_.id), KeyPage::LinkState::kExpired);
  EXPECT_EQ(page_->remaining(link_.id), std::chrono::milliseconds(0));
  auto get = page_get(link_.url);
  EXPECT_EQ(get.status, 410);
  EXPECT_THAT(get.body, HasSubstr("This link has expired"));
  auto post = page_post(link_.url, "csrf=" + csrf + "&key=" + std::string(kAcmeRw));
  EXPECT_EQ(post.status, 410);
  EXPECT_TRUE(submitted_.empty());
}

TEST_F(KeyPageTest, TooManyWrongKeysBurnTheLink) {
  for (int i = 0; i < 4; ++i) EXPECT_EQ(submit_key(link_.url, kAcmeRevoked).status, 400);
  auto last = submit_key(link_.url, kAcmeRevoked);
  EXPECT_EQ(last.status, 410);
  EXPECT_EQ(page_->state(link_.id), KeyPage::LinkState::kExpired);
}

TEST_F(KeyPageTest, UnknownIdsAndOtherPathsAreNotFound) {
  auto reply = page_get("http://" + host() + "/key/" + std::string(64, 'f'));
  EXPECT_EQ(reply.status, 404);
  httplib::Client client("127.0.0.1", page_->port());
  EXPECT_EQ(client.Get("/")->status, 404);
  EXPECT_EQ(client.Get("/key/")->status, 404);
}

TEST_F(KeyPageTest, ResponsesAreNotCachedNorFramed) {
  httplib::Client client("127.0.0.1", page_->port());
  auto res = client.Get(("/key/" + link_.id).c_str());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(res->get_header_value("X-Frame-Options"), "DENY");
  EXPECT_EQ(res->get_header_value("Referrer-Policy"), "same-origin");
  EXPECT_THAT(res->get_header_value("Content-Security-Policy"), HasSubstr("frame-ancestors 'none'"));
}

}  // namespace
}  // namespace fini::credentials
