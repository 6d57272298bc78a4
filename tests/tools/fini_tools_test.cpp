// FiniToolProvider end to end in process, with a recording HttpClient standing in for Fini (the
// HttpClient interface is the seam; the real client has its own tests in tests/rest): a call
// becomes the request its manifest declares, and the key never reaches the result, even when
// the upstream echoes it back.
#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "tools/fini_tools.hpp"

namespace fini::tools {
namespace {

using nlohmann::json;
// Key-shaped but fake: it only has to be recognisable in the output.
constexpr const char* kKey = "fini_test_Q7x9ZkP2mW4nR8vT1";

class RecordingHttp final : public rest::HttpClient {
 public:
  // `reply` builds the response from the request (so it can echo what it was sent).
  explicit RecordingHttp(std::function<rest::HttpResponse(const rest::HttpRequest&)> reply)
      : reply_(std::move(reply)) {}
  Result<rest::HttpResponse> send(const rest::HttpRequest& req) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(req);
    return reply_(req);
  }
  std::size_t connections_opened() const override { return 0; }
  std::vector<rest::HttpRequest> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  std::function<rest::HttpResponse(const rest::HttpRequest&)> reply_;
  mutable std::mutex mutex_;
  std::vector<rest::HttpRequest> sent_;
};

class FixedKey final : public credentials::Credentials {
 public:
  Result<std::string> key(credentials::KeyAsker&) override { return std::string(kKey); }
  void observe(const std::string&, int status, const std::string&, bool) override { observed.push_back(status); }
  std::vector<int> observed;
};

class QuietContext final : public mcp::CallContext {
 public:
  const CancelToken& cancel_token() const override { return cancel_; }
  void progress(double, std::optional<double>, const std::string&) override {}
  void log(mcp::LogLevel, const std::string&, const mcp::Json&) override {}
  const mcp::ClientInfo& client() const override { return info_; }
  Result<mcp::Json> request(const std::string&, const mcp::Json&, std::chrono::milliseconds) override {
    return Status(Code::kUnavailable, "no client requests in this test");
  }
  void notify(const std::string&, const mcp::Json&) override {}

 private:
  CancelToken cancel_;
  mcp::ClientInfo info_;
};

std::vector<Manifest> fixture_manifests() {
  auto loaded = load_manifests(std::filesystem::path(FINI_FIXTURES_DIR) / "manifests" / "valid");
  EXPECT_TRUE(loaded.issues.empty());
  return loaded.manifests;
}

rest::HttpResponse json_response(int status, const json& body) {
  rest::HttpResponse r;
  r.status = status;
  r.body = body.dump();
  r.content_type = "application/json";
  return r;
}

struct Harness {
  explicit Harness(std::function<rest::HttpResponse(const rest::HttpRequest&)> reply)
      : http(std::move(reply)), tools(fixture_manifests(), SurfaceOptions{}, http, keys, "https://api.fini.test") {}
  json call(const std::string& name, const json& args) {
    auto r = tools.call_tool(name, args, ctx);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : json();
  }
  RecordingHttp http;
  FixedKey keys;
  FiniToolProvider tools;
  QuietContext ctx;
};

TEST(FiniTools, CallBecomesTheDeclaredRequestWithTheKeyOnlyAsBearer) {
  Harness h([](const rest::HttpRequest&) {
    return json_response(200, json{{"id", "c/1"}, {"messages", json::array()}});
  });
  const json result = h.call("get_conversation", json{{"conversationId", "c/1"}});
  const auto sent = h.http.sent();
  ASSERT_EQ(sent.size(), 1u);
  const rest::HttpRequest& req = sent[0];
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.path, "/v2/hc-interactions/c%2F1/public");  // wireName "id", escaped segment
  EXPECT_TRUE(req.query.empty());
  EXPECT_EQ(req.bearer_token, kKey);
  EXPECT_TRUE(req.allow_in_read_only);
  EXPECT_EQ(result.value("isError", false), false);
  EXPECT_EQ(result["structuredContent"]["id"], "c/1");
  EXPECT_EQ(h.keys.observed, (std::vector<int>{200}));
}

TEST(FiniTools, EchoedKeyNeverReachesTheResult) {
  Harness h([](const rest::HttpRequest& req) {
    auto r = json_response(200, json{{"id", "c1"},
                                     {"messages", json::array({json{{"text", "your key is " + req.bearer_token}}})},
                                     {req.bearer_token, "as a field name too"}});
    return r;
  });
  const std::string dumped = h.call("get_conversation", json{{"conversationId", "c1"}}).dump();
  EXPECT_EQ(dumped.find(kKey), std::string::npos) << "the key leaked into the tool result";
  EXPECT_NE(dumped.find("your key is fini_"), std::string::npos);  // masked, not dropped
}

TEST(FiniTools, EchoedKeyInAnErrorBodyNeverReachesTheResult) {
  Harness h([](const rest::HttpRequest& req) {
    return json_response(401, json{{"message", "Invalid API key " + req.bearer_token}});
  });
  const json result = h.call("get_conversation", json{{"conversationId", "c1"}});
  EXPECT_EQ(result.value("isError", false), true);
  EXPECT_EQ(result.dump().find(kKey), std::string::npos) << "the key leaked into the error result";
  EXPECT_EQ(h.keys.observed, (std::vector<int>{401}));
}

// The text block is the compact JSON of the final structuredContent, made once after redaction
// and fitting, byte for byte what dumping the structured content gives.
TEST(FiniTools, TheTextBlockIsTheFinalStructuredContent) {
  Harness h([](const rest::HttpRequest& req) {
    return json_response(
        200, json{{"id", "c1"},
                  {"messages", json::array({json{{"text", "caf\u00e9 \"quoted\"\n\u65e5 " + req.bearer_token}}})}});
  });
  const json result = h.call("get_conversation", json{{"conversationId", "c1"}});
  ASSERT_TRUE(result.contains("structuredContent"));
  ASSERT_EQ(result["content"].size(), 1u);
  const std::string text = result["content"][0]["text"].get<std::string>();
  EXPECT_EQ(text, result["structuredContent"].dump());
  EXPECT_EQ(text.find(kKey), std::string::npos);
}

TEST(FiniTools, AnOverBudgetResultIsTrimmedAndItsTextMatches) {
  json messages = json::array();
  for (int i = 0; i < 200; ++i) messages.push_back(json{{"text", std::string(100, 'x') + std::to_string(i)}});
  RecordingHttp http([&](const rest::HttpRequest&) {
    return json_response(200, json{{"id", "c1"}, {"messages", messages}});
  });
  FixedKey keys;
  CallOptions small;
  small.result_budget = 2000;
  FiniToolProvider tools(fixture_manifests(), SurfaceOptions{}, http, keys, "https://api.fini.test", small);
  QuietContext ctx;
  auto r = tools.call_tool("get_conversation", json{{"conversationId", "c1"}}, ctx);
  ASSERT_TRUE(r.ok());
  const json& result = *r;
  ASSERT_GE(result["content"].size(), 2u);
  const std::string text = result["content"][0]["text"].get<std::string>();
  EXPECT_EQ(text, result["structuredContent"].dump());
  EXPECT_LE(text.size(), 2000u);
  EXPECT_LT(result["structuredContent"]["messages"].size(), 200u);
  EXPECT_NE(result["content"][1]["text"].get<std::string>().find("Showing the first"), std::string::npos);
}

TEST(FiniTools, InvalidArgumentsAreRefusedBeforeAnythingIsSent) {
  Harness h([](const rest::HttpRequest&) { return json_response(200, json::object()); });
  const json result = h.call("get_conversation", json{{"conversationId", ""}});
  EXPECT_EQ(result.value("isError", false), true);
  EXPECT_TRUE(h.http.sent().empty());
}

TEST(FiniTools, UnknownToolIsNotFound) {
  Harness h([](const rest::HttpRequest&) { return json_response(200, json::object()); });
  EXPECT_EQ(h.tools.call_tool("no_such_tool", json::object(), h.ctx).status().code(), Code::kNotFound);
  EXPECT_TRUE(h.http.sent().empty());
}

}  // namespace
}  // namespace fini::tools
