// SessionCredentials with the real sandbox and the real key page; the MCP client is scripted
// (FakeContext) and the "user" posts keys to the page over HTTP.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <thread>

#include "credentials/session_credentials.hpp"
#include "credentials/test_helpers.hpp"

namespace fini::credentials {
namespace {

using namespace ct;  // NOLINT
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

class SessionCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox_ = start_sandbox();
    inner_ = client_for(sandbox_->url());
    http_ = std::make_unique<CountingClient>(*inner_);
    store_.emplace(tmp_.path() / "fini-mcp");
  }

  SessionCredentialsOptions options(std::string profile = "default") {
    SessionCredentialsOptions o;
    o.profile = std::move(profile);
    o.base_url = sandbox_->url();
    o.store = store_;
    o.page.clock = [this] { return now_.load(); };
    o.elicitation_timeout = std::chrono::seconds(5);
    return o;
  }

  Profile stored(const std::string& key, std::optional<std::set<std::string>> scopes = std::nullopt,
                 const std::string& name = "default") {
    Profile p;
    p.name = name;
    p.key = key;
    p.base_url = sandbox_->url();
    p.scopes = std::move(scopes);
    EXPECT_TRUE(store_->save(p).ok());
    return p;
  }

  // The user, in a browser: once the elicitation arrives, paste `key` on the page.
  FakeContext::Handler accept_and_paste(std::string key) {
    return [this, key](const std::string& method, const Json& params, std::chrono::milliseconds) -> Result<Json> {
      EXPECT_EQ(method, "elicitation/create");
      EXPECT_EQ(params["mode"], "url");
      const std::string url = params["url"];
      browser_.emplace_back(std::async(std::launch::async, [url, key] { return submit_key(url, key); }));
      return Json{{"action", "accept"}};
    };
  }

  TempDir tmp_;
  std::unique_ptr<sim::Sandbox> sandbox_;
  std::unique_ptr<rest::HttpClient> inner_;
  std::unique_ptr<CountingClient> http_;
  std::optional<ProfileStore> store_;
  std::atomic<std::chrono::steady_clock::time_point> now_{std::chrono::steady_clock::time_point{} +
                                                          std::chrono::hours(1)};
  std::vector<std::future<PageReply>> browser_;
};

// --- resolution order ---

TEST_F(SessionCredentialsTest, FixedKeyWinsOverTheStoredProfile) {
  stored(kGlobexRw, std::set<std::string>{"read", "write"});
  auto o = options();
  o.fixed_key = kAcmeRead;
  o.fixed_source = "FINI_API_KEY";
  SessionCredentials creds(o, *http_);
  FakeContext ctx;
  auto key = creds.key(ctx);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, kAcmeRead);
  EXPECT_EQ(creds.source(), "FINI_API_KEY");
  // Nothing is sent to learn a fixed key's scopes: they come from the calls the user makes.
  EXPECT_EQ(creds.scopes(), std::nullopt);
  EXPECT_EQ(creds.may("write"), std::nullopt);
  EXPECT_TRUE(http_->paths().empty());
  creds.observe(kAcmeRead, 200, "read", false);
  EXPECT_EQ(creds.may("read"), true);
  EXPECT_TRUE(ctx.requests().empty());
  EXPECT_EQ((*store_->load("default"))->key, kGlobexRw);
}

TEST_F(SessionCredentialsTest, StoredProfileIsUsedWithoutAskingOrProbing) {
  stored(kAcmeRead, std::set<std::string>{"read"});
  SessionCredentials creds(options(), *http_);
  FakeContext ctx;
  auto key = creds.key(ctx);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, kAcmeRead);
  EXPECT_EQ(creds.source(), "profile 'default'");
  EXPECT_EQ(creds.scopes(), (std::set<std::string>{"read"}));
  EXPECT_TRUE(ctx.requests().empty());
  EXPECT_TRUE(http_->paths().empty());
}

TEST_F(SessionCredentialsTest, ProfileSelectsTheWorkspace) {
  stored(kAcmeRw, std::set<std::string>{"read", "write"}, "acme");
  stored(kGlobexRw, std::set<std::string>{"read", "write"}, "globex");
  FakeContext ctx;
  EXPECT_EQ(*SessionCredentials(options("acme"), *http_).key(ctx), kAcmeRw);
  EXPECT_EQ(*SessionCredentials(options("globex"), *http_).key(ctx), kGlobexRw);
}

TEST_F(SessionCredentialsTest, ProfileForAnotherApiIsNotSentHere) {
  Profile p;
  p.name = "default";
  p.key = kAcmeRw;
  p.base_url = "https://api-prod.usefini.com";
  ASSERT_TRUE(store_->save(p).ok());
  SessionCredentials creds(options(), *http_);
  FakeContext ctx(/*url=*/false);
  auto key = creds.key(ctx);
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.status().message(), HasSubstr("No Fini API key is configured yet."));
  EXPECT_TRUE(http_->tokens().empty());
}

TEST_F(SessionCredentialsTest, ReadableProfileIsRefusedWithTheChmodFix) {
  stored(kAcmeRw);
  const std::string path = store_->path_of("default").string();
  ::chmod(path.c_str(), 0644);
  SessionCredentials creds(options(), *http_);
  FakeContext ctx;
  auto key = creds.key(ctx);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().message(), "refusing to read the stored key " + path +
                                        ": it is readable by group or others; run `chmod 600 " + path + "`");
  EXPECT_TRUE(ctx.requests().empty());
}

TEST_F(SessionCredentialsTest, PlaceholderAndEncryptedValuesAreNeverSentToFini) {
  for (const char* value : {"${user_config.api_key}", "__encrypted__:djEwAAAA"}) {
    auto o = options();
    o.fixed_key = value;
    o.fixed_source = "FINI_API_KEY";
    SessionCredentials creds(o, *http_);
    FakeContext ctx;
    auto key = creds.key(ctx);
    ASSERT_FALSE(key.ok());
    EXPECT_THAT(key.status().message(), ::testing::StartsWith("Configuration problem: the API key setting "));
  }
  EXPECT_TRUE(http_->tokens().empty());
}

// --- asking ---

TEST_F(SessionCredentialsTest, ClientWithoutUrlElicitationGetsThePageAndTheOtherWays) {
  SessionCredentials creds(options(), *http_);
  FakeContext ctx(/*url=*/false);
  auto first = creds.key(ctx);
  ASSERT_FALSE(first.ok());
  const std::string url = *creds.page_url();
  EXPECT_EQ(first.status().message(),
            "No Fini API key is configured yet. This MCP client cannot open a link for it (no URL elicitation "
            "support).\nWays to provide the Fini API key (create one in the Fini dashboard under Deploy → API "
            "Keys):\n1. Open " +
                url +
                " in a browser on this computer and paste the key there (the link is "
                "single-use and expires; call a tool again for a new one).\n2. Run `fini-mcp login` in a terminal.\n3. "
                "Set FINI_API_KEY in this MCP server's environment (Claude Desktop: the extension's settings), then "
                "restart it.\nThen call the tool again: no restart is needed.");
  // Same link on the next call; the user pastes the key; the call after that just works.
  EXPECT_THAT(creds.key(ctx).status().message(), HasSubstr(url));
  auto page = submit_key(url, kAcmeRw);
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("Fini accepted the key (it can read this workspace; write access is checked on the "
                                   "first change you make). It is stored as profile &#39;default&#39; in " +
                                   store_->path_of("default").string() + " (readable only by you)."));
  auto later = creds.key(ctx);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(*later, kAcmeRw);
  EXPECT_TRUE(ctx.requests().empty());
  auto saved = store_->load("default");
  ASSERT_TRUE(saved.ok() && saved->has_value());
  EXPECT_EQ((*saved)->key, kAcmeRw);
  EXPECT_EQ((*saved)->scopes, (std::set<std::string>{"read"}));  // write: learned from the first write
  EXPECT_FALSE((*saved)->checked_at.empty());
  EXPECT_EQ(mode_of(store_->path_of("default")), 0600u);
}

TEST_F(SessionCredentialsTest, UrlElicitationThenPastedKeyCompletesTheCall) {
  SessionCredentials creds(options(), *http_);
  FakeContext ctx(true, accept_and_paste(kAcmeRead));
  auto key = creds.key(ctx);
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_EQ(*key, kAcmeRead);
  auto requests = ctx.requests();
  ASSERT_EQ(requests.size(), 1u);
  const Json& params = requests[0].second;
  EXPECT_EQ(params["url"], *creds.page_url());
  EXPECT_THAT(params["message"].get<std::string>(), HasSubstr("never passes through Claude"));
  const std::string id = params["elicitationId"];
  EXPECT_EQ(id.size(), 32u);
  auto notes = ctx.notifications();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].first, "notifications/elicitation/complete");
  EXPECT_EQ(notes[0].second, (Json{{"elicitationId", id}}));
  EXPECT_EQ(browser_.at(0).get().status, 200);
  EXPECT_EQ(creds.scopes(), (std::set<std::string>{"read"}));
  // The params sent to the client carry no key.
  EXPECT_THAT(params.dump(), Not(HasSubstr("fini_sandbox")));
}

TEST_F(SessionCredentialsTest, DeclineAndCancelSayHowToProvideTheKey) {
  SessionCredentials creds(options(), *http_);
  for (const std::string action : {"decline", "cancel"}) {
    FakeContext ctx(true, [&](const std::string&, const Json&, std::chrono::milliseconds) -> Result<Json> {
      return Json{{"action", action}};
    });
    auto key = creds.key(ctx);
    ASSERT_FALSE(key.ok());
    const std::string lead = action == "decline"
                                 ? "You declined to provide a Fini API key, so the call was not made.\n"
                                 : "The request for the Fini API key was dismissed, so the call was not made.\n";
    EXPECT_THAT(key.status().message(), ::testing::StartsWith(lead + "Ways to provide the Fini API key"));
    EXPECT_THAT(key.status().message(), HasSubstr(*creds.page_url()));
    EXPECT_THAT(key.status().message(), HasSubstr("fini-mcp login"));
    EXPECT_THAT(key.status().message(), HasSubstr("FINI_API_KEY"));
  }
  // The page stays up: pasting there later still works for the next call.
  EXPECT_EQ(submit_key(*creds.page_url(), kAcmeRw).status, 200);
  FakeContext later(true);
  EXPECT_EQ(*creds.key(later), kAcmeRw);
}

TEST_F(SessionCredentialsTest, ElicitationTimeoutIsReported) {
  SessionCredentials creds(options(), *http_);
  FakeContext ctx(true, [](const std::string&, const Json&, std::chrono::milliseconds timeout) -> Result<Json> {
    EXPECT_EQ(timeout, std::chrono::seconds(5));
    return Status(Code::kDeadlineExceeded, "no answer to elicitation/create within 5 s");
  });
  auto key = creds.key(ctx);
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.status().message(),
              ::testing::StartsWith("There was no answer to the request for the API key in time. Ways to provide"));
}

TEST_F(SessionCredentialsTest, WrongKeyThenRightKeyOnThePage) {
  SessionCredentials creds(options(), *http_);
  std::promise<PageReply> wrong_reply;
  FakeContext ctx(true, [&](const std::string&, const Json& params, std::chrono::milliseconds) -> Result<Json> {
    const std::string url = params["url"];
    browser_.emplace_back(std::async(std::launch::async, [url, &wrong_reply] {
      wrong_reply.set_value(submit_key(url, kAcmeRevoked));
      return submit_key(url, kAcmeRw);
    }));
    return Json{{"action", "accept"}};
  });
  auto key = creds.key(ctx);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, kAcmeRw);
  auto wrong = wrong_reply.get_future().get();
  EXPECT_EQ(wrong.status, 400);
  EXPECT_THAT(wrong.body, HasSubstr("Fini rejected this key (HTTP 401): it is malformed, revoked or belongs to no "
                                    "workspace. Copy the key again from the Fini dashboard (Deploy → API Keys). "
                                    "Try again."));
  EXPECT_THAT(wrong.body, Not(HasSubstr(kAcmeRevoked)));
  EXPECT_EQ(browser_.at(0).get().status, 200);
}

TEST_F(SessionCredentialsTest, MalformedKeyIsNotSentToFini) {
  SessionCredentials creds(options(), *http_);
  FakeContext ctx(false);
  ASSERT_FALSE(creds.key(ctx).ok());
  auto reply = submit_key(*creds.page_url(), "sk-not-a-fini-key");
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.body, HasSubstr("That is not a Fini API key: Fini keys start with &quot;fini_&quot;"));
  EXPECT_TRUE(http_->tokens().empty());
}

TEST_F(SessionCredentialsTest, ConcurrentFirstCallsShareOnePrompt) {
  SessionCredentials creds(options(), *http_);
  std::promise<std::string> url_promise;
  auto url_future = url_promise.get_future().share();
  std::atomic<int> asked{0};
  FakeContext::Handler handler = [&](const std::string&, const Json& params,
                                     std::chrono::milliseconds) -> Result<Json> {
    ++asked;
    url_promise.set_value(params["url"]);
    return Json{{"action", "accept"}};
  };
  FakeContext a(true, handler), b(true, handler), c(true, handler);
  auto fa = std::async(std::launch::async, [&] { return creds.key(a); });
  url_future.wait();
  auto fb = std::async(std::launch::async, [&] { return creds.key(b); });
  auto fc = std::async(std::launch::async, [&] { return creds.key(c); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let b and c reach the wait
  EXPECT_EQ(submit_key(url_future.get(), kAcmeRw).status, 200);
  for (auto* f : {&fa, &fb, &fc}) {
    auto key = f->get();
    ASSERT_TRUE(key.ok()) << key.status().message();
    EXPECT_EQ(*key, kAcmeRw);
  }
  EXPECT_EQ(asked.load(), 1);
  EXPECT_EQ(a.requests().size() + b.requests().size() + c.requests().size(), 1u);
}

TEST_F(SessionCredentialsTest, WaitersShareTheAskersRefusal) {
  SessionCredentials creds(options(), *http_);
  std::promise<void> asked;
  std::promise<void> release;
  auto release_future = release.get_future().share();
  FakeContext asker(true, [&](const std::string&, const Json&, std::chrono::milliseconds) -> Result<Json> {
    asked.set_value();
    release_future.wait();
    return Json{{"action", "decline"}};
  });
  FakeContext waiter(true, [](const std::string&, const Json&, std::chrono::milliseconds) -> Result<Json> {
    ADD_FAILURE() << "a second prompt was sent";
    return Json{{"action", "decline"}};
  });
  auto fa = std::async(std::launch::async, [&] { return creds.key(asker); });
  asked.get_future().wait();
  auto fw = std::async(std::launch::async, [&] { return creds.key(waiter); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  release.set_value();
  auto ka = fa.get();
  auto kw = fw.get();
  ASSERT_FALSE(ka.ok());
  ASSERT_FALSE(kw.ok());
  EXPECT_EQ(ka.status().message(), kw.status().message());
  EXPECT_THAT(kw.status().message(), ::testing::StartsWith("You declined"));
}

TEST_F(SessionCredentialsTest, PageExpiringWhileWaitingEndsTheCall) {
  SessionCredentials creds(options(), *http_);
  FakeContext ctx(true, [&](const std::string&, const Json&, std::chrono::milliseconds) -> Result<Json> {
    now_.store(now_.load() + std::chrono::minutes(11));  // the user wandered off
    return Json{{"action", "accept"}};
  });
  auto key = creds.key(ctx);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().message(),
            "The key page expired before a key was saved, so the call was not made. Call the tool again for a new "
            "link, run `fini-mcp login`, or set FINI_API_KEY.");
  const std::string old_url = ctx.requests().at(0).second["url"];
  EXPECT_EQ(page_get(old_url).status, 410);
  // The next call gets a fresh link.
  FakeContext next(false);
  EXPECT_THAT(creds.key(next).status().message(), Not(HasSubstr(old_url)));
}

TEST_F(SessionCredentialsTest, CancellationWhileWaitingEndsTheCall) {
  SessionCredentials creds(options(), *http_);
  FakeContext ctx(true, [&](const std::string&, const Json&, std::chrono::milliseconds) -> Result<Json> {
    return Json{{"action", "accept"}};
  });
  auto f = std::async(std::launch::async, [&] { return creds.key(ctx); });
  ASSERT_TRUE(eventually([&] { return !ctx.requests().empty(); }));
  ctx.cancel.cancel("test");
  auto key = f.get();
  EXPECT_EQ(key.status().code(), Code::kCancelled);
}

// --- what the API says afterwards ---

TEST_F(SessionCredentialsTest, RejectedStoredKeyIsMarkedInvalidAndTheNextCallAsksAgain) {
  stored(kAcmeRw, std::set<std::string>{"read", "write"});
  SessionCredentials creds(options(), *http_);
  FakeContext ctx(false);
  ASSERT_EQ(*creds.key(ctx), kAcmeRw);
  creds.observe(kAcmeRw, 401, "read", false);
  EXPECT_EQ(creds.rejection_note(),
            "The stored key (profile 'default') is now marked invalid; the next tool call will ask for a new key (or "
            "run `fini-mcp login`).");
  EXPECT_TRUE((*store_->load("default"))->invalid);
  auto next = creds.key(ctx);
  ASSERT_FALSE(next.ok());
  EXPECT_THAT(next.status().message(),
              ::testing::StartsWith("The stored Fini API key was rejected by Fini (HTTP 401). This MCP client"));
  // A later session does not use the invalid key either.
  SessionCredentials later(options(), *http_);
  EXPECT_FALSE(later.key(ctx).ok());
  // Replacing it through the page clears the flag.
  EXPECT_EQ(submit_key(*creds.page_url(), kGlobexRw).status, 200);
  EXPECT_EQ(*creds.key(ctx), kGlobexRw);
  EXPECT_FALSE((*store_->load("default"))->invalid);
}

TEST_F(SessionCredentialsTest, RejectedFixedKeyPointsAtItsSource) {
  auto o = options();
  o.fixed_key = kAcmeRw;
  o.fixed_source = "FINI_API_KEY";
  SessionCredentials creds(o, *http_);
  creds.observe(kAcmeRw, 401, "read", false);
  EXPECT_EQ(creds.rejection_note(),
            "The key comes from the FINI_API_KEY environment variable of this server (set in your MCP client's "
            "server config, the Claude Desktop extension's 'Fini API key' setting, the Claude Code plugin's "
            "api_key, or your shell): replace it there with a valid key (Deploy → API Keys) and restart the "
            "server.");
  EXPECT_FALSE(store_->load("default")->has_value());
}

TEST_F(SessionCredentialsTest, ScopesComeFromRealCallsOnlyNeverFromProbes) {
  // Recorded as read+write, but the key is read-only: a real write's 403 naming the scope says so.
  stored(kAcmeRead, std::set<std::string>{"read", "write"});
  SessionCredentials creds(options(), *http_);
  FakeContext ctx;
  ASSERT_TRUE(creds.key(ctx).ok());
  creds.observe(kAcmeRead, 403, "write", /*scope_denied=*/false);  // another workspace's ids: no lesson
  EXPECT_EQ(creds.may("write"), true);
  creds.observe(kAcmeRead, 403, "write", /*scope_denied=*/true);
  EXPECT_EQ(creds.may("write"), false);
  EXPECT_EQ(creds.scopes(), (std::set<std::string>{"read"}));
  EXPECT_EQ((*store_->load("default"))->scopes, (std::set<std::string>{"read"}));
  EXPECT_TRUE(http_->paths().empty()) << "no request may be sent to learn scopes";

  stored(kAcmeRw, std::set<std::string>{"read"}, "rw");
  SessionCredentials rw(options("rw"), *http_);
  ASSERT_TRUE(rw.key(ctx).ok());
  EXPECT_EQ(rw.may("write"), std::nullopt);
  rw.observe(kAcmeRw, 201, "write", false);
  EXPECT_EQ(rw.may("write"), true);
  EXPECT_EQ(rw.scopes(), (std::set<std::string>{"read", "write"}));
  EXPECT_EQ((*store_->load("rw"))->scopes, (std::set<std::string>{"read", "write"}));
}

TEST_F(SessionCredentialsTest, StaleObservationsAreIgnored) {
  stored(kAcmeRw, std::set<std::string>{"read", "write"});
  SessionCredentials creds(options(), *http_);
  creds.observe(kGlobexRw, 401, "read", false);
  FakeContext ctx;
  EXPECT_EQ(*creds.key(ctx), kAcmeRw);
}

TEST_F(SessionCredentialsTest, NoStoreMeansSessionOnlyKey) {
  auto o = options();
  o.store.reset();
  SessionCredentials creds(o, *http_);
  FakeContext ctx(false);
  ASSERT_FALSE(creds.key(ctx).ok());
  auto reply = submit_key(*creds.page_url(), kAcmeRw);
  EXPECT_THAT(reply.body, HasSubstr("It is used for this session only"));
  EXPECT_EQ(*creds.key(ctx), kAcmeRw);
}

}  // namespace
}  // namespace fini::credentials
