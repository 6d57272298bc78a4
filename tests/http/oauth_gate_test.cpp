// The OAuth authorization server plugged into a real McpHttpServer on a loopback port, driven
// over sockets by httplib's client. A KeyChecker and test tools stand in for Fini. Covers what
// the e2e tier cannot reach from Node: a rebinding Host on the OAuth paths, a token's key
// reaching the call, Fini's 401 for that key becoming HTTP 401, and a client that leaves while a
// token call waits for Fini's verdict cancelling the call (the disconnect watch).
#include <gtest/gtest.h>
#include <httplib.h>

#include <condition_variable>
#include <mutex>
#include <regex>
#include <thread>

#include "http/http_server.hpp"
#include "oauth/auth_server.hpp"
#include "oauth/codec.hpp"

namespace fini::oauth {
namespace {

using Json = nlohmann::json;
constexpr const char* kKey = "fini_sandbox_acme_rw_1d9a7e3c52";
const std::string kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const std::string kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const std::string kRedirect = "http://127.0.0.1:1/cb";

// "key" echoes the call's key; "refused" reports that Fini answered 401; "hang" waits (as a slow
// Fini would) until the call is cancelled.
class Tools final : public mcp::ToolProvider {
 public:
  std::vector<Json> list_tools() const override { return {}; }
  Result<Json> call_tool(const std::string& name, const Json&, mcp::CallContext& ctx) override {
    auto text = [](const std::string& t) { return Json{{"content", {{{"type", "text"}, {"text", t}}}}}; };
    if (name == "key") {
      ctx.upstream_answered(200);
      return text(ctx.call_key() ? ctx.call_key().reveal() : "none");
    }
    if (name == "refused") {
      ctx.upstream_answered(401);
      return Json{{"content", {{{"type", "text"}, {"text", "Fini rejected the key"}}}}, {"isError", true}};
    }
    auto wake = ctx.cancel_token().on_cancel([this] {
      { std::lock_guard guard(mutex); }
      cv.notify_all();
    });
    std::unique_lock lock(mutex);
    ++hanging;
    cv.notify_all();
    cv.wait(lock, [&] { return ctx.cancelled(); });
    ++cancelled;
    cv.notify_all();
    return text("cancelled");
  }
  std::mutex mutex;
  std::condition_variable cv;
  int hanging = 0, cancelled = 0;
};

class OAuthGateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ring = KeyRing::from_secrets({std::string(64, 's')});
    ASSERT_TRUE(ring.ok());
    KeyChecker checker = [](const std::string& key) -> Result<credentials::KeyCheck> {
      if (key != kKey) return Status(Code::kUnauthenticated, "Fini rejected this key (HTTP 401)");
      credentials::KeyCheck check;
      check.scopes = {"read"};
      check.agents = Json::array({Json{{"name", "Agent A"}}});
      return check;
    };
    auth_ = std::make_unique<AuthServer>(std::move(*ring), checker, AuthServerOptions{});
    dispatcher_.set_tools(&tools_);
    http::HttpOptions options;
    options.access_log = false;
    options.auth = auth_.get();
    server_ = std::make_unique<http::McpHttpServer>(options, dispatcher_);
    ASSERT_TRUE(server_->bind().ok());
    thread_ = std::thread([this] { server_->run(); });
    origin_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  void TearDown() override {
    { std::lock_guard lock(tools_.mutex); }
    server_->drain();
    thread_.join();
  }
  httplib::Client client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(10, 0);
    return c;
  }
  static std::string hidden(const std::string& html, const std::string& name) {
    std::smatch m;
    std::regex_search(html, m, std::regex("name=\"" + name + "\" value=\"([^\"]*)\""));
    return m[1];
  }
  // Register, sign in, redeem: an access token for kKey.
  std::string access_token() {
    auto c = client();
    auto reg = c.Post("/register", Json{{"redirect_uris", {kRedirect}}}.dump(), "application/json");
    const std::string client_id = Json::parse(reg->body)["client_id"];
    httplib::Params q{{"response_type", "code"},      {"client_id", client_id},          {"redirect_uri", kRedirect},
                      {"code_challenge", kChallenge}, {"code_challenge_method", "S256"}, {"state", "s"}};
    auto page = c.Get("/authorize", q, httplib::Headers{});
    EXPECT_EQ(page->status, 200);
    const std::string cookie =
        page->get_header_value("Set-Cookie").substr(0, page->get_header_value("Set-Cookie").find(';'));
    httplib::Headers h{{"Origin", origin_}, {"Cookie", cookie}};
    auto confirm = c.Post("/authorize", h, httplib::Params{{"request", hidden(page->body, "request")}, {"key", kKey}});
    EXPECT_NE(confirm->body.find("Agent A"), std::string::npos);
    auto done =
        c.Post("/authorize", h, httplib::Params{{"pending", hidden(confirm->body, "pending")}, {"decision", "allow"}});
    EXPECT_EQ(done->status, 303);
    std::smatch m;
    const std::string location = done->get_header_value("Location");
    std::regex_search(location, m, std::regex("code=([^&]+)"));
    auto tok = c.Post("/token", httplib::Params{{"grant_type", "authorization_code"},
                                                {"code", httplib::detail::decode_url(m[1], false)},
                                                {"client_id", client_id},
                                                {"redirect_uri", kRedirect},
                                                {"code_verifier", kVerifier}});
    EXPECT_EQ(tok->status, 200) << tok->body;
    return Json::parse(tok->body)["access_token"];
  }
  static std::string call(const std::string& tool) {
    return Json{{"jsonrpc", "2.0"},
                {"id", 3},
                {"method", "tools/call"},
                {"params", {{"name", tool}, {"arguments", Json::object()}}}}
        .dump();
  }
  httplib::Headers bearer(const std::string& token) {
    return {{"Accept", "application/json, text/event-stream"},
            {"MCP-Protocol-Version", "2025-11-25"},
            {"Authorization", "Bearer " + token}};
  }

  Tools tools_;
  mcp::Dispatcher dispatcher_{mcp::DispatchOptions{}};
  std::unique_ptr<AuthServer> auth_;
  std::unique_ptr<http::McpHttpServer> server_;
  std::thread thread_;
  std::string origin_;
};

TEST_F(OAuthGateTest, OAuthPathsRefuseARebindingHost) {
  auto c = client();
  auto ok = c.Get("/.well-known/oauth-authorization-server");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(Json::parse(ok->body)["issuer"], origin_);
  for (const char* path :
       {"/.well-known/oauth-authorization-server", "/.well-known/oauth-protected-resource/mcp", "/authorize"}) {
    auto bad = c.Get(path, httplib::Headers{{"Host", "evil.example.com"}});
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 403) << path;
  }
}

TEST_F(OAuthGateTest, TheTokensKeyReachesTheCall) {
  const std::string token = access_token();
  EXPECT_EQ(token.find(kKey), std::string::npos);
  auto c = client();
  auto res = c.Post("/mcp", bearer(token), call("key"), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(Json::parse(res->body)["result"]["content"][0]["text"], kKey);
}

TEST_F(OAuthGateTest, FiniRefusingTheTokensKeyIsHttp401WithTheChallenge) {
  auto c = client();
  auto res = c.Post("/mcp", bearer(access_token()), call("refused"), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(res->get_header_value("WWW-Authenticate"),
            "Bearer error=\"invalid_token\", resource_metadata=\"" + origin_ +
                "/.well-known/oauth-protected-resource/mcp\", scope=\"mcp\"");
  EXPECT_EQ(Json::parse(res->body)["error"]["code"], -32001);
  // The same refusal for a raw key stays a tool result (the client cannot re-sign-in a raw key).
  auto raw = c.Post("/mcp", bearer(kKey), call("refused"), "application/json");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->status, 200);
}

TEST_F(OAuthGateTest, AClientLeavingWhileATokenCallWaitsForFiniCancelsIt) {
  const std::string token = access_token();
  std::thread caller([&] {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(1, 0);  // gives up (closes its socket) while the call still hangs
    c.Post("/mcp", bearer(token), call("hang"), "application/json");
  });
  std::unique_lock lock(tools_.mutex);
  ASSERT_TRUE(tools_.cv.wait_for(lock, std::chrono::seconds(10), [&] { return tools_.hanging == 1; }));
  ASSERT_TRUE(tools_.cv.wait_for(lock, std::chrono::seconds(10), [&] { return tools_.cancelled == 1; }));
  lock.unlock();
  caller.join();
}

}  // namespace
}  // namespace fini::oauth
