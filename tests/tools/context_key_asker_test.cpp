// ContextKeyAsker: how credentials' questions reach an MCP client. A link becomes exactly the
// URL elicitation the client expects, its answer maps back, "done" is one notification, and the
// caller's key and cancellation are the context's own.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tools/context_key_asker.hpp"

namespace fini::tools {
namespace {

using credentials::KeyLink;
using credentials::LinkAnswer;
using mcp::Json;

// An MCP client scripted to answer each request with `reply`, recording what it was sent.
class ScriptedContext final : public mcp::CallContext {
 public:
  ScriptedContext(bool url, Result<Json> reply, CallKey key = CallKey())
      : reply_(std::move(reply)), key_(std::move(key)) {
    info_.elicitation_url = url;
  }
  const CancelToken& cancel_token() const override { return cancel; }
  void progress(double, std::optional<double>, const std::string&) override {}
  void log(mcp::LogLevel, const std::string&, const Json&) override {}
  const mcp::ClientInfo& client() const override { return info_; }
  Result<Json> request(const std::string& method, const Json& params, std::chrono::milliseconds timeout) override {
    requests.emplace_back(method, params);
    timeouts.push_back(timeout);
    return reply_;
  }
  void notify(const std::string& method, const Json& params) override { notes.emplace_back(method, params); }
  const CallKey& call_key() const override { return key_; }

  CancelToken cancel;
  std::vector<std::pair<std::string, Json>> requests, notes;
  std::vector<std::chrono::milliseconds> timeouts;

 private:
  mcp::ClientInfo info_;
  Result<Json> reply_;
  CallKey key_;
};

const KeyLink kLink{"http://127.0.0.1:4242/key/abc", "No Fini API key is configured yet. Open this link", "0123abcd"};

TEST(ContextKeyAsker, ALinkIsAUrlElicitation) {
  ScriptedContext ctx(true, Json{{"action", "accept"}});
  ContextKeyAsker asker(ctx);
  EXPECT_TRUE(asker.can_open_links());
  auto answer = asker.open_link(kLink, std::chrono::seconds(7));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(*answer, LinkAnswer::kAccepted);
  ASSERT_EQ(ctx.requests.size(), 1u);
  EXPECT_EQ(ctx.requests[0].first, "elicitation/create");
  EXPECT_EQ(ctx.requests[0].second,
            (Json{{"mode", "url"}, {"message", kLink.message}, {"url", kLink.url}, {"elicitationId", kLink.id}}));
  EXPECT_EQ(ctx.timeouts[0], std::chrono::seconds(7));
  asker.link_done(kLink);
  ASSERT_EQ(ctx.notes.size(), 1u);
  EXPECT_EQ(ctx.notes[0].first, "notifications/elicitation/complete");
  EXPECT_EQ(ctx.notes[0].second, (Json{{"elicitationId", kLink.id}}));
}

TEST(ContextKeyAsker, AnswersMapToWhatThePersonDid) {
  EXPECT_EQ(link_answer(Json{{"action", "accept"}}), LinkAnswer::kAccepted);
  EXPECT_EQ(link_answer(Json{{"action", "decline"}}), LinkAnswer::kDeclined);
  EXPECT_EQ(link_answer(Json{{"action", "cancel"}}), LinkAnswer::kDismissed);
  EXPECT_EQ(link_answer(Json{{"action", "maybe"}}), LinkAnswer::kUnexpected);
  EXPECT_EQ(link_answer(Json::array()), LinkAnswer::kUnexpected);
}

TEST(ContextKeyAsker, ClientErrorsPassThrough) {
  ScriptedContext ctx(true, Status(Code::kDeadlineExceeded, "no answer"));
  ContextKeyAsker asker(ctx);
  auto answer = asker.open_link(kLink, std::chrono::seconds(1));
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), Code::kDeadlineExceeded);
}

TEST(ContextKeyAsker, KeyCapabilityAndCancellationAreTheContexts) {
  ScriptedContext ctx(false, Json::object(), CallKey("fini_key_a_0000000000"));
  ContextKeyAsker asker(ctx);
  EXPECT_FALSE(asker.can_open_links());
  EXPECT_EQ(asker.call_key(), CallKey("fini_key_a_0000000000"));
  EXPECT_FALSE(asker.cancelled());
  ctx.cancel.cancel("test");
  EXPECT_TRUE(asker.cancelled());
}

}  // namespace
}  // namespace fini::tools
