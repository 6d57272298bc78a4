// The 2026-07-28 adapter over the shared Dispatcher: era detection per message, _meta checks,
// server/discover, result shaping, and input-required round trips with a sealed requestState.
#include <gtest/gtest.h>

#include "mcp/dispatcher.hpp"
#include "mcp/modern_era.hpp"
#include "mcp/request_state.hpp"

namespace fini::mcp {
namespace {

// A tool that asks a yes/no question (like a destructive tool's confirmation) and says what
// the answer was; the call count shows whether the work ran.
class AskingTools final : public ToolProvider {
 public:
  std::vector<Json> list_tools() const override {
    return {Json{{"name", "ask"}, {"inputSchema", {{"type", "object"}}}}};
  }
  Result<Json> call_tool(const std::string& name, const Json& args, CallContext& ctx) override {
    if (name == "reckless") {  // asks, then goes on whatever the answer (and reaches "Fini")
      (void)ctx.request("elicitation/create",
                        Json{{"mode", "form"}, {"message", "Sure?"}, {"requestedSchema", {{"type", "object"}}}},
                        std::chrono::seconds(1));
      ctx.upstream_answered(200);
      ++done;
      return Json{{"content", Json::array({{{"type", "text"}, {"text", "sent"}}})}};
    }
    if (name != "ask") return Status(Code::kNotFound, "Unknown tool: " + name);
    if (!ctx.client().elicitation_form)
      return Json{{"content", Json::array({{{"type", "text"}, {"text", "no form"}}})}};
    const Json question{
        {"mode", "form"},
        {"message", "Delete " + args.value("what", std::string("?")) + "?"},
        {"requestedSchema", {{"type", "object"}, {"properties", {{"confirm", {{"type", "boolean"}}}}}}}};
    auto reply = ctx.request("elicitation/create", question, std::chrono::seconds(1));
    if (!reply.ok())
      return Json{{"content", Json::array({{{"type", "text"}, {"text", "not sent"}}})}, {"isError", true}};
    ++done;
    return Json{{"content", Json::array({{{"type", "text"}, {"text", "answer " + reply->value("action", "")}}})}};
  }
  int done = 0;
};

class Resources final : public ResourceProvider {
 public:
  std::vector<Json> list_resources() const override { return {}; }
  std::vector<Json> list_resource_templates() const override { return {}; }
  Result<Json> read_resource(const std::string& uri) const override { return Status(Code::kNotFound, "no " + uri); }
};

Json meta(Json caps = Json::object()) {
  return Json{{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
              {"io.modelcontextprotocol/clientCapabilities", std::move(caps)}};
}

jsonrpc::Request req(Json id, std::string method, Json params) {
  return jsonrpc::Request{std::move(id), std::move(method), std::move(params)};
}

class ModernEraTest : public ::testing::Test {
 protected:
  ModernEraTest() : dispatcher_(DispatchOptions{"Fini", "Use the tools.", 0}), era_(dispatcher_) {
    dispatcher_.set_tools(&tools_);
    dispatcher_.set_resources(&resources_);
  }
  Json run(const jsonrpc::Request& r) {
    BasicCallContext ctx(client_);
    return answer(era_, r, ctx);
  }
  AskingTools tools_;
  Resources resources_;
  Dispatcher dispatcher_;
  Modern2026 era_;
  ClientInfo client_;
};

TEST(ModernDetection, PerMessage) {
  EXPECT_FALSE(Modern2026::is_modern(req(1, "initialize", {{"protocolVersion", "2025-11-25"}})));
  EXPECT_FALSE(Modern2026::is_modern(req(1, "tools/list", {{"_meta", {{"progressToken", 1}}}})));
  EXPECT_TRUE(Modern2026::is_modern(req(1, "tools/list", {{"_meta", meta()}})));
  EXPECT_FALSE(Modern2026::is_modern(req(1, "server/discover", nullptr)));  // legacy: -32601 as before
}

TEST_F(ModernEraTest, MetaErrorsInTheRevisionsOrder) {
  EXPECT_EQ(run(req(1, "server/discover", Json::object()))["error"]["code"], -32602);  // once routed here
  EXPECT_EQ(run(req(2, "tools/list",
                    {{"_meta", {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"}}}}))["error"]["code"],
            -32602);
  Json m = meta();
  m["io.modelcontextprotocol/protocolVersion"] = "v999.0.0";
  Json reply = run(req(3, "server/discover", {{"_meta", m}}));
  EXPECT_EQ(reply["id"], 3);
  EXPECT_EQ(reply["error"]["code"], -32022);
  EXPECT_EQ(reply["error"]["data"]["requested"], "v999.0.0");
  EXPECT_EQ(reply["error"]["data"]["supported"][0], "2026-07-28");
  m = meta();
  m["io.modelcontextprotocol/logLevel"] = "loud";
  EXPECT_EQ(run(req(4, "tools/list", {{"_meta", m}}))["error"]["code"], -32602);
  for (const char* removed : {"initialize", "ping", "logging/setLevel", "resources/subscribe", "no/such"}) {
    Json r = run(req(5, removed, {{"_meta", meta()}}));
    EXPECT_EQ(r["error"]["code"], -32601) << removed;
    auto refused = era_.check(req(5, removed, {{"_meta", meta()}}), nullptr);
    ASSERT_TRUE(std::holds_alternative<Refusal>(refused)) << removed;
    EXPECT_EQ(std::get<Refusal>(refused).kind, Refusal::Kind::kUnknownMethod) << removed;
  }
}

TEST_F(ModernEraTest, DiscoverAndListsCarryTheRevisionsFields) {
  Json d = run(req("d", "server/discover", {{"_meta", meta()}}))["result"];
  EXPECT_EQ(d["resultType"], "complete");
  EXPECT_EQ(d["supportedVersions"][0], "2026-07-28");
  EXPECT_NE(std::find(d["supportedVersions"].begin(), d["supportedVersions"].end(), "2025-11-25"),
            d["supportedVersions"].end());
  EXPECT_TRUE(d["capabilities"].contains("tools"));
  EXPECT_TRUE(d["capabilities"].contains("resources"));
  EXPECT_FALSE(d["capabilities"].contains("logging"));
  EXPECT_FALSE(d["capabilities"].contains("prompts"));  // no prompt provider here
  EXPECT_EQ(d["instructions"], "Use the tools.");
  EXPECT_EQ(d["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "fini-mcp");
  EXPECT_EQ(d["cacheScope"], "public");
  Json l = run(req(2, "tools/list", {{"_meta", meta()}}))["result"];
  EXPECT_EQ(l["resultType"], "complete");
  EXPECT_EQ(l["tools"][0]["name"], "ask");
  EXPECT_EQ(l["cacheScope"], "private");
  EXPECT_TRUE(l["ttlMs"].is_number_integer());
  EXPECT_EQ(run(req(3, "prompts/list", {{"_meta", meta()}}))["error"]["code"], -32601);
}

TEST_F(ModernEraTest, ResourceNotFoundIsInvalidParamsWithTheUri) {
  Json r = run(req(1, "resources/read", {{"uri", "skill://nope"}, {"_meta", meta()}}));
  EXPECT_EQ(r["error"]["code"], -32602);
  EXPECT_EQ(r["error"]["data"]["uri"], "skill://nope");
}

TEST_F(ModernEraTest, AnAskBecomesInputRequiredAndTheRetryCompletes) {
  const Json caps{{"elicitation", {{"form", Json::object()}}}};
  Json first =
      run(req(1, "tools/call", {{"name", "ask"}, {"arguments", {{"what", "x"}}}, {"_meta", meta(caps)}}))["result"];
  ASSERT_EQ(first["resultType"], "input_required") << first.dump();
  EXPECT_EQ(tools_.done, 0);  // nothing ran
  ASSERT_EQ(first["inputRequests"].size(), 1u);
  const std::string key = first["inputRequests"].begin().key();
  EXPECT_EQ(first["inputRequests"][key]["method"], "elicitation/create");
  EXPECT_EQ(first["inputRequests"][key]["params"]["message"], "Delete x?");
  ASSERT_TRUE(first["requestState"].is_string());

  Json retry{{"name", "ask"},
             {"arguments", {{"what", "x"}}},
             {"_meta", meta(caps)},
             {"inputResponses", {{key, {{"action", "accept"}, {"content", {{"confirm", true}}}}}, {"extra", 1}}},
             {"requestState", first["requestState"]}};
  Json done = run(req(2, "tools/call", retry))["result"];
  EXPECT_EQ(done["resultType"], "complete");
  EXPECT_EQ(done["content"][0]["text"], "answer accept");
  EXPECT_EQ(tools_.done, 1);

  Json tampered = retry;
  tampered["requestState"] = first["requestState"].get<std::string>() + "-TAMPERED";
  EXPECT_EQ(run(req(3, "tools/call", tampered))["error"]["code"], -32602);
  Json other_args = retry;
  other_args["arguments"]["what"] = "y";  // the state was issued for another request
  EXPECT_EQ(run(req(4, "tools/call", other_args))["error"]["code"], -32602);
  Json missing = retry;
  missing["inputResponses"] = Json::object();  // the answer is missing: ask again, not an error
  EXPECT_EQ(run(req(5, "tools/call", missing))["result"]["resultType"], "input_required");
  Json invalid = retry;
  invalid["inputResponses"][key] = 42;  // not an ElicitResult: ask again
  EXPECT_EQ(run(req(6, "tools/call", invalid))["result"]["resultType"], "input_required");
  EXPECT_EQ(tools_.done, 1);
}

TEST_F(ModernEraTest, ACallThatReachedUpstreamKeepsItsRealResult) {
  // Asking for a retry after something was sent could send it twice: the real result stands.
  const Json caps{{"elicitation", {{"form", Json::object()}}}};
  Json r = run(req(1, "tools/call", {{"name", "reckless"}, {"_meta", meta(caps)}}))["result"];
  EXPECT_EQ(r["resultType"], "complete");
  EXPECT_EQ(r["content"][0]["text"], "sent");
  EXPECT_EQ(tools_.done, 1);
}

TEST_F(ModernEraTest, NoAskWithoutTheDeclaredCapability) {
  Json r = run(req(1, "tools/call", {{"name", "ask"}, {"_meta", meta()}}))["result"];
  EXPECT_EQ(r["resultType"], "complete");
  EXPECT_EQ(r["content"][0]["text"], "no form");
}

KeyRing ring_of(std::vector<std::string> secrets) {
  auto ring = KeyRing::from_secrets(secrets);
  EXPECT_TRUE(ring.ok());
  return std::move(*ring);
}

TEST(RequestState, SealedAndBound) {
  const KeyRing ring = ring_of({std::string(40, 'a')});
  const StateBinding b{"tools/call", digest_params(Json{{"name", "x"}}), "key-a"};
  const std::string s = seal_state(ring, Json{{"k", 1}}, b);
  EXPECT_EQ(open_state(ring, s, b), (Json{{"k", 1}}));
  EXPECT_FALSE(open_state(ring, s + "x", b));
  EXPECT_FALSE(open_state(ring, "x" + s, b));
  StateBinding other = b;
  other.principal = "key-b";
  EXPECT_FALSE(open_state(ring, s, other));
  other = b;
  other.method = "prompts/get";
  EXPECT_FALSE(open_state(ring, s, other));
  EXPECT_FALSE(open_state(ring, seal_state(ring, Json::object(), b, std::chrono::seconds(-1)), b));  // expired
  EXPECT_EQ(s.find("key-a"), std::string::npos);
  // Retries repeat the params but carry new _meta, answers and state: same digest.
  EXPECT_EQ(digest_params(Json{{"name", "x"}, {"_meta", 1}, {"requestState", "s"}, {"inputResponses", {}}}),
            digest_params(Json{{"name", "x"}}));
}

// Replicas sharing a secret file open each other's states; a rotated ring (new secret first, the
// old one still listed) opens states sealed before the rotation; another secret opens nothing;
// an OAuth token sealed by the same ring is not a state.
TEST(RequestState, SharedAndRotatedSecrets) {
  const std::string old_secret(40, 'o'), new_secret(40, 'n');
  const StateBinding b{"tools/call", digest_params(Json{{"name", "x"}}), "key-a"};
  const std::string s = seal_state(ring_of({old_secret}), Json{{"k", 1}}, b);
  EXPECT_EQ(open_state(ring_of({old_secret}), s, b), (Json{{"k", 1}}));
  EXPECT_EQ(open_state(ring_of({new_secret, old_secret}), s, b), (Json{{"k", 1}}));
  EXPECT_FALSE(open_state(ring_of({new_secret}), s, b));
  const auto token = ring_of({old_secret}).seal("access", Json{{"v", 2}, {"answers", Json::object()}});
  ASSERT_TRUE(token);
  EXPECT_FALSE(open_state(ring_of({old_secret}), *token, b));
  EXPECT_EQ(seal_state(KeyRing(), Json::object(), b), "");  // an empty ring seals nothing
}

}  // namespace
}  // namespace fini::mcp
