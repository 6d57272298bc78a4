// A whole session over in-memory streams. The tools here are test tools implementing the
// provider interface (the real Fini tools are exercised by the e2e suite against the sandbox).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "mcp/session.hpp"
#include "support/pipe_stream.hpp"

namespace fini::mcp {
namespace {

class TestTools : public ToolProvider {
 public:
  std::vector<Json> list_tools() const override {
    std::vector<Json> tools;
    for (const char* name : {"echo", "slow", "fail", "boom", "progress", "elicit"}) {
      tools.push_back(Json{
          {"name", name}, {"description", std::string("test tool ") + name}, {"inputSchema", {{"type", "object"}}}});
    }
    return tools;
  }
  Result<Json> call_tool(const std::string& name, const Json& args, CallContext& ctx) override {
    auto text = [](const std::string& t) { return Json{{"content", {{{"type", "text"}, {"text", t}}}}}; };
    if (name == "echo") return text(args.dump());
    if (name == "slow") {
      auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(args.value("ms", 200));
      while (std::chrono::steady_clock::now() < until) {
        if (ctx.cancelled()) {
          ++cancelled_seen;
          return text("cancelled");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      return text("slept");
    }
    if (name == "fail") {
      Json r = text("it failed");
      r["isError"] = true;
      return r;
    }
    if (name == "boom") throw std::runtime_error("boom");
    if (name == "progress") {
      for (int i = 1; i <= 3; ++i) ctx.progress(i, 3, "step " + std::to_string(i));
      ctx.progress(2, 3, "stale");  // not monotonic: dropped
      return text("done");
    }
    if (name == "elicit") {
      auto reply = ctx.request("elicitation/create", Json{{"mode", "form"}, {"message", "ok?"}},
                               std::chrono::milliseconds(args.value("timeout", 2000)));
      if (!reply.ok()) return text("error: " + reply.status().message());
      return text("action: " + reply->value("action", ""));
    }
    return Status(Code::kNotFound, "Unknown tool: " + name);
  }
  std::atomic<int> cancelled_seen{0};
};

const char* kInit =
    R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"elicitation":{}},"clientInfo":{"name":"t","version":"1"}}})";

// Runs a scripted session (input fully known up front) and returns the output lines parsed.
std::vector<Json> run_script(const std::vector<std::string>& lines, TestTools& tools, SessionOptions options = {},
                             std::size_t page_size = 0) {
  std::string input;
  for (const auto& l : lines) input += l + "\n";
  std::istringstream in(input);
  std::ostringstream out;
  Dispatcher dispatcher(DispatchOptions{"Fini", "", page_size});
  dispatcher.set_tools(&tools);
  Session session(options, dispatcher, in, out);
  EXPECT_TRUE(session.run());
  std::vector<Json> parsed;
  std::istringstream reader(out.str());
  for (std::string line; std::getline(reader, line);) {
    auto j = Json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "non-JSON stdout line: " << line;
    parsed.push_back(j);
  }
  return parsed;
}

std::map<std::string, Json> by_id(const std::vector<Json>& msgs) {
  std::map<std::string, Json> m;
  for (const auto& j : msgs) {
    if (j.contains("id") && !j["id"].is_null() && !j.contains("method")) {
      EXPECT_FALSE(m.count(j["id"].dump())) << "answered twice: " << j.dump();
      m[j["id"].dump()] = j;
    }
  }
  return m;
}

TEST(Session, InitializeNegotiatesAndDeclaresCapabilities) {
  TestTools tools;
  auto out = run_script({kInit}, tools);
  ASSERT_EQ(out.size(), 1u);
  const auto& r = out[0]["result"];
  EXPECT_EQ(r["protocolVersion"], "2025-11-25");
  EXPECT_EQ(r["serverInfo"]["name"], "fini-mcp");
  EXPECT_TRUE(r["serverInfo"].contains("version"));
  EXPECT_TRUE(r["capabilities"].contains("tools"));
  EXPECT_TRUE(r["capabilities"].contains("logging"));
  EXPECT_FALSE(r["capabilities"].contains("prompts"));  // no provider wired: not declared
}

TEST(Session, UnknownVersionGetsLatestAndSecondInitializeIsRejected) {
  TestTools tools;
  auto out = by_id(run_script(
      {R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2099-01-01","capabilities":{}}})",
       R"({"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}})"},
      tools));
  EXPECT_EQ(out["1"]["result"]["protocolVersion"], "2025-11-25");
  EXPECT_EQ(out["2"]["error"]["code"], -32600);
}

TEST(Session, ErrorsBeforeInitialize) {
  TestTools tools;
  auto out = by_id(
      run_script({R"({"jsonrpc":"2.0","id":1,"method":"server/discover"})",
                  R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})", R"({"jsonrpc":"2.0","id":3,"method":"ping"})"},
                 tools));
  EXPECT_EQ(out["1"]["error"]["code"], -32601);
  EXPECT_EQ(out["1"]["error"]["message"], "Method not found: server/discover");
  EXPECT_EQ(out["2"]["error"]["code"], -32600);
  EXPECT_EQ(out["3"]["result"], Json::object());
}

TEST(Session, ErrorChannels) {
  TestTools tools;
  auto msgs =
      run_script({kInit, R"({"jsonrpc":"2.0","method":"notifications/initialized"})", "not json",
                  R"({"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"nope"}})",
                  R"({"jsonrpc":"2.0","id":"b","method":"tools/call","params":{"name":"echo","arguments":[1]}})",
                  R"({"jsonrpc":"2.0","id":"c","method":"tools/list","params":{"cursor":"bogus"}})",
                  R"({"jsonrpc":"2.0","id":"d","method":"logging/setLevel","params":{"level":"loud"}})",
                  R"({"jsonrpc":"2.0","id":"e","method":"tools/call","params":{"name":"boom"}})",
                  R"({"jsonrpc":"2.0","id":"f","method":"tools/call","params":{"name":"echo"}})",
                  R"([{"jsonrpc":"2.0","id":"g","method":"ping"}])",
                  R"({"jsonrpc":"2.0","id":"h","method":"tools/call","params":{"name":"fail"}})"},
                 tools);
  auto out = by_id(msgs);
  size_t null_ids = 0;
  for (const auto& m : msgs) null_ids += m.contains("id") && m["id"].is_null();
  EXPECT_EQ(null_ids, 2u);  // the parse error and the batch
  EXPECT_EQ(out["\"a\""]["error"]["code"], -32602);
  EXPECT_EQ(out["\"a\""]["error"]["message"], "Unknown tool: nope");
  EXPECT_EQ(out["\"b\""]["error"]["code"], -32602);
  EXPECT_EQ(out["\"c\""]["error"]["code"], -32602);
  EXPECT_EQ(out["\"d\""]["error"]["code"], -32602);
  EXPECT_EQ(out["\"e\""]["error"]["code"], -32603);
  EXPECT_EQ(out["\"f\""]["result"]["content"][0]["text"], "{}");  // omitted arguments = {}
  EXPECT_EQ(out["\"h\""]["result"]["isError"], true);
}

TEST(Session, BatchesOnlyUnder20250326) {
  TestTools tools;
  auto msgs = run_script(
      {R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{}}})",
       R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"x":1}}}])"},
      tools);
  ASSERT_EQ(msgs.size(), 2u);
  ASSERT_TRUE(msgs[1].is_array());
  EXPECT_EQ(msgs[1].size(), 2u);
}

TEST(Session, PaginatesToolsWithOpaqueCursor) {
  TestTools tools;
  auto out = by_id(run_script({kInit, R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})",
                               R"({"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"cursor":"fini.page.4"}})"},
                              tools, {}, 4));
  EXPECT_EQ(out["1"]["result"]["tools"].size(), 4u);
  ASSERT_TRUE(out["1"]["result"].contains("nextCursor"));
  EXPECT_EQ(out["2"]["result"]["tools"].size(), 2u);
  EXPECT_FALSE(out["2"]["result"].contains("nextCursor"));
}

TEST(Session, ThousandInterleavedRequestsEachAnsweredOnce) {
  TestTools tools;
  std::vector<std::string> lines{kInit};
  std::mt19937 rng(42);
  std::set<std::string> expected;
  for (int i = 0; i < 1000; ++i) {
    Json id = (rng() % 2) ? Json(static_cast<int>(rng() % 1000000) * 1000 + i)
                          : Json("r" + std::to_string(rng()) + "-" + std::to_string(i));
    expected.insert(id.dump());
    const char* methods[] = {"ping", "tools/list", "tools/call"};
    std::string method = methods[rng() % 3];
    Json req{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
    if (method == "tools/call") req["params"] = {{"name", (rng() % 2) ? "echo" : "slow"}, {"arguments", {{"ms", 1}}}};
    lines.push_back(req.dump());
  }
  auto out = by_id(run_script(lines, tools));
  out.erase("0");
  std::set<std::string> got;
  for (const auto& [k, v] : out) got.insert(k);
  EXPECT_EQ(got, expected);
}

TEST(Session, PingIsAnsweredWhileSlowCallsRunAndCancellationSuppressesReply) {
  TestTools tools;
  std::vector<std::string> lines{kInit};
  for (int i = 1; i <= 8; ++i) {
    lines.push_back(R"({"jsonrpc":"2.0","id":)" + std::to_string(i) +
                    R"(,"method":"tools/call","params":{"name":"slow","arguments":{"ms":400}}})");
  }
  lines.push_back(R"({"jsonrpc":"2.0","id":"p","method":"ping"})");
  lines.push_back(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3,"reason":"user"}})");
  auto msgs = run_script(lines, tools);
  // The ping reply comes before any slow reply.
  auto ping = std::find_if(msgs.begin(), msgs.end(), [](const Json& j) { return j.value("id", Json()) == "p"; });
  ASSERT_NE(ping, msgs.end());
  for (auto it = msgs.begin(); it != ping; ++it)
    EXPECT_FALSE((*it)["id"].is_number() && (*it)["id"] != 0) << it->dump();
  auto out = by_id(msgs);
  EXPECT_EQ(out.count("3"), 0u);  // cancelled: no reply
  for (int i : {1, 2, 4, 5, 6, 7, 8}) EXPECT_EQ(out[std::to_string(i)]["result"]["content"][0]["text"], "slept");
  EXPECT_EQ(tools.cancelled_seen.load(), 1);
}

TEST(Session, ProgressIsMonotonicAndOnlyWithToken) {
  TestTools tools;
  auto msgs = run_script(
      {kInit,
       R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"progress","_meta":{"progressToken":"tok"}}})",
       R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"progress"}})"},
      tools);
  std::vector<double> seen;
  for (const auto& m : msgs) {
    if (m.value("method", "") == "notifications/progress") {
      EXPECT_EQ(m["params"]["progressToken"], "tok");
      seen.push_back(m["params"]["progress"].get<double>());
    }
  }
  EXPECT_EQ(seen, (std::vector<double>{1, 2, 3}));
}

TEST(Session, LogNotificationsRespectLevel) {
  TestTools tools;
  std::istringstream in(std::string(kInit) + "\n" +
                        R"({"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"warning"}})" + "\n");
  std::ostringstream out;
  Dispatcher dispatcher(DispatchOptions{});
  dispatcher.set_tools(&tools);
  Session session({}, dispatcher, in, out);
  session.log(LogLevel::kError, "early", "before setLevel: not sent");
  session.run();
  session.log(LogLevel::kInfo, "x", "below threshold");
  session.log(LogLevel::kError, "x", "sent");
  const std::string s = out.str();
  EXPECT_EQ(s.find("before setLevel"), std::string::npos);
  EXPECT_EQ(s.find("below threshold"), std::string::npos);
  EXPECT_NE(s.find(R"("level":"error")"), std::string::npos);
}

TEST(Session, ServerToClientRequestRoundTripAndTimeout) {
  TestTools tools;
  test::PipeBuf in_buf;
  test::LineSink out_buf;
  std::istream in(&in_buf);
  std::ostream out(&out_buf);
  Dispatcher dispatcher(DispatchOptions{});
  dispatcher.set_tools(&tools);
  Session session({}, dispatcher, in, out);
  std::thread reader([&] { session.run(); });
  in_buf.write(std::string(kInit) + "\n");
  in_buf.write(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"elicit"}})"
               "\n");
  Json outbound;
  ASSERT_TRUE(out_buf.wait_for([&](const auto& lines) {
    for (const auto& l : lines) {
      auto j = Json::parse(l);
      if (j.value("method", "") == "elicitation/create") {
        outbound = j;
        return true;
      }
    }
    return false;
  }));
  Json reply{{"jsonrpc", "2.0"}, {"id", outbound["id"]}, {"result", {{"action", "decline"}}}};
  in_buf.write(reply.dump() + "\n");
  ASSERT_TRUE(out_buf.wait_for([](const auto& lines) {
    return std::any_of(lines.begin(), lines.end(),
                       [](const std::string& l) { return l.find("action: decline") != std::string::npos; });
  }));
  // A request the client never answers times out and is cancelled towards the client.
  in_buf.write(
      R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"elicit","arguments":{"timeout":100}}})"
      "\n");
  ASSERT_TRUE(out_buf.wait_for([](const auto& lines) {
    bool cancelled = false, timed_out = false;
    for (const auto& l : lines) {
      cancelled |= l.find("notifications/cancelled") != std::string::npos;
      timed_out |= l.find("no answer to elicitation/create") != std::string::npos;
    }
    return cancelled && timed_out;
  }));
  in_buf.close();
  reader.join();
}

TEST(Session, OversizedLineIsAnsweredAndSkipped) {
  TestTools tools;
  SessionOptions options;
  options.max_line_bytes = 64;
  auto out = run_script(
      {kInit,
       std::string(R"({"jsonrpc":"2.0","id":9,"method":"ping","params":{"pad":")") + std::string(200, 'x') + "\"}}",
       R"({"jsonrpc":"2.0","id":10,"method":"ping"})"},
      tools, options);
  // kInit itself is longer than 64 bytes too: every oversized line gets an error with id null.
  size_t oversized = 0;
  for (const auto& m : out) oversized += m.contains("error") && m["error"]["code"] == -32600 && m["id"].is_null();
  EXPECT_EQ(oversized, 2u);
}

}  // namespace
}  // namespace fini::mcp
