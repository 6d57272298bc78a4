// A real McpHttpServer on an ephemeral loopback port, driven over sockets by httplib's client.
// Test tools stand in for Fini: every HTTP status path of the transport, SSE progress, the key
// reaching the call, a disconnect cancelling the call, the in-flight cap and the drain.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/http_server.hpp"

namespace fini::http {
namespace {

using Json = nlohmann::json;
constexpr const char* kKey = "fini_sandbox_acme_rw_1d9a7e3c52";

class TestTools final : public mcp::ToolProvider {
 public:
  std::vector<Json> list_tools() const override {
    return {Json{{"name", "echo"}, {"inputSchema", {{"type", "object"}}}}};
  }
  std::vector<Json> list_tools_for(const mcp::CallContext& ctx) const override {
    auto tools = list_tools();
    if (ctx.call_key()) tools.push_back(Json{{"name", "keyed"}, {"inputSchema", {{"type", "object"}}}});
    return tools;
  }
  Result<Json> call_tool(const std::string& name, const Json& args, mcp::CallContext& ctx) override {
    auto text = [](const std::string& t) { return Json{{"content", {{{"type", "text"}, {"text", t}}}}}; };
    if (name == "echo") return text(args.dump());
    if (name == "key") return text(ctx.call_key() ? ctx.call_key().reveal() : "none");
    if (name == "slow") {
      {
        std::lock_guard lock(mutex);
        ++started;
      }
      cv.notify_all();
      ctx.progress(1, std::nullopt, "started");
      // Waits for the test to release it or for cancellation (no sleeps as synchronisation).
      auto wake = ctx.cancel_token().on_cancel([this] {
        { std::lock_guard guard(mutex); }
        cv.notify_all();
      });
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return released || ctx.cancelled(); });
      if (ctx.cancelled()) {
        ++cancelled;
        cv.notify_all();
        return text("cancelled");
      }
      lock.unlock();
      ctx.progress(2, std::nullopt, "finishing");
      return text("slept");
    }
    return Status(Code::kNotFound, "Unknown tool: " + name);
  }
  void wait_started(int n) {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return started >= n; }));
  }
  void wait_cancelled(int n) {
    std::unique_lock lock(mutex);
    // The server polls the connection every 200 ms; a few seconds is ample.
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return cancelled >= n; }));
  }
  void release() {
    {
      std::lock_guard lock(mutex);
      released = true;
    }
    cv.notify_all();
  }
  std::mutex mutex;
  std::condition_variable cv;
  int started = 0, cancelled = 0;
  bool released = false;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void start(HttpOptions options = {}) {
    options.access_log = false;
    dispatcher_.set_tools(&tools_);
    server_ = std::make_unique<McpHttpServer>(options, dispatcher_);
    ASSERT_TRUE(server_->bind().ok());
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    tools_.release();
    if (server_) server_->drain();
    if (thread_.joinable()) thread_.join();
  }
  httplib::Client client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(10, 0);
    return c;
  }
  static httplib::Headers headers(bool with_key = true) {
    httplib::Headers h{{"Accept", "application/json, text/event-stream"}, {"MCP-Protocol-Version", "2025-11-25"}};
    if (with_key) h.emplace("Authorization", std::string("Bearer ") + kKey);
    return h;
  }
  static std::string call(const std::string& tool, const Json& meta = nullptr) {
    Json params{{"name", tool}, {"arguments", Json::object()}};
    if (!meta.is_null()) params["_meta"] = meta;
    return Json{{"jsonrpc", "2.0"}, {"id", 7}, {"method", "tools/call"}, {"params", params}}.dump();
  }
  static std::string request(const std::string& method) {
    return Json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", Json::object()}}.dump();
  }

  TestTools tools_;
  mcp::Dispatcher dispatcher_{mcp::DispatchOptions{}};
  std::unique_ptr<McpHttpServer> server_;
  std::thread thread_;
};

TEST_F(HttpServerTest, ToolCallAnswersJsonAndCarriesTheKey) {
  start();
  auto c = client();
  auto res = c.Post("/mcp", headers(), call("key"), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  auto body = Json::parse(res->body);
  EXPECT_EQ(body["id"], 7);
  EXPECT_EQ(body["result"]["content"][0]["text"], kKey);
  EXPECT_FALSE(res->has_header("Mcp-Session-Id"));  // stateless
}

TEST_F(HttpServerTest, InitializeListAndPingWithoutSession) {
  start();
  auto c = client();
  auto init = c.Post("/mcp", headers(),
                     Json{{"jsonrpc", "2.0"},
                          {"id", 1},
                          {"method", "initialize"},
                          {"params",
                           {{"protocolVersion", "2025-11-25"},
                            {"capabilities", Json::object()},
                            {"clientInfo", {{"name", "t"}, {"version", "0"}}}}}}
                         .dump(),
                     "application/json");
  ASSERT_TRUE(init);
  EXPECT_EQ(init->status, 200);
  EXPECT_EQ(Json::parse(init->body)["result"]["protocolVersion"], "2025-11-25");
  auto list = c.Post("/mcp", headers(), request("tools/list"), "application/json");
  ASSERT_TRUE(list);
  EXPECT_EQ(Json::parse(list->body)["result"]["tools"].size(), 2u);  // the keyed surface
  auto ping = c.Post("/mcp", headers(), request("ping"), "application/json");
  ASSERT_TRUE(ping);
  EXPECT_EQ(Json::parse(ping->body)["result"], Json::object());
  auto unknown = c.Post("/mcp", headers(), request("nope/nope"), "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(Json::parse(unknown->body)["error"]["code"], -32601);
}

TEST_F(HttpServerTest, NotificationAndResponseGet202WithNoBody) {
  start();
  auto c = client();
  auto res = c.Post("/mcp", headers(), R"({"jsonrpc":"2.0","method":"notifications/initialized"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202);
  EXPECT_TRUE(res->body.empty());
  auto resp = c.Post("/mcp", headers(), R"({"jsonrpc":"2.0","id":"x","result":{}})", "application/json");
  ASSERT_TRUE(resp);
  EXPECT_EQ(resp->status, 202);
}

TEST_F(HttpServerTest, MissingOrMalformedKeyIs401WithChallenge) {
  start();
  auto c = client();
  auto none = c.Post("/mcp", headers(false), call("echo"), "application/json");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(none->get_header_value("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(Json::parse(none->body)["error"]["code"], -32001);
  auto h = headers(false);
  h.emplace("Authorization", "Bearer sk-not-a-fini-key");
  auto bad = c.Post("/mcp", h, call("echo"), "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401);
  EXPECT_EQ(bad->get_header_value("WWW-Authenticate"), "Bearer error=\"invalid_token\"");
  EXPECT_EQ(bad->body.find("sk-not-a-fini-key"), std::string::npos);  // never echoed
}

TEST_F(HttpServerTest, AnonymousDiscoveryListsButNeverCalls) {
  HttpOptions o;
  o.anonymous_discovery = true;
  start(o);
  auto c = client();
  auto list = c.Post("/mcp", headers(false), request("tools/list"), "application/json");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_EQ(Json::parse(list->body)["result"]["tools"].size(), 1u);
  auto call_res = c.Post("/mcp", headers(false), call("echo"), "application/json");
  ASSERT_TRUE(call_res);
  EXPECT_EQ(call_res->status, 401);
}

TEST_F(HttpServerTest, ForeignOriginAndRebindingHostAre403) {
  start();
  auto c = client();
  auto h = headers();
  h.emplace("Origin", "http://evil.example.com");
  auto origin = c.Post("/mcp", h, request("ping"), "application/json");
  ASSERT_TRUE(origin);
  EXPECT_EQ(origin->status, 403);
  EXPECT_EQ(Json::parse(origin->body)["error"]["code"], -32600);
  auto h2 = headers();
  h2.emplace("Host", "evil.example.com");
  auto host = c.Post("/mcp", h2, request("ping"), "application/json");
  ASSERT_TRUE(host);
  EXPECT_EQ(host->status, 403);
  auto h3 = headers();
  h3.emplace("Origin", "http://127.0.0.1:" + std::to_string(server_->port()));
  auto own = c.Post("/mcp", h3, request("ping"), "application/json");
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200);
}

TEST_F(HttpServerTest, MethodsVersionsMediaTypesAndBodies) {
  HttpOptions o;
  o.max_body_bytes = 1024;
  start(o);
  auto c = client();
  auto get = c.Get("/mcp", headers());
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
  EXPECT_EQ(get->get_header_value("Allow"), "POST");
  auto del = c.Delete("/mcp", headers());
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 405);
  auto h = headers();
  h.erase("MCP-Protocol-Version");
  h.emplace("MCP-Protocol-Version", "1999-01-01");
  auto version = c.Post("/mcp", h, request("ping"), "application/json");
  ASSERT_TRUE(version);
  EXPECT_EQ(version->status, 400);
  EXPECT_EQ(Json::parse(version->body)["error"]["code"], -32600);
  auto h2 = headers();
  h2.erase("MCP-Protocol-Version");  // absent: 2025-03-26 assumed
  auto absent = c.Post("/mcp", h2, request("ping"), "application/json");
  ASSERT_TRUE(absent);
  EXPECT_EQ(absent->status, 200);
  auto type = c.Post("/mcp", headers(), request("ping"), "text/plain");
  ASSERT_TRUE(type);
  EXPECT_EQ(type->status, 415);
  auto h3 = headers();
  h3.erase("Accept");
  h3.emplace("Accept", "text/html");
  auto accept = c.Post("/mcp", h3, request("ping"), "application/json");
  ASSERT_TRUE(accept);
  EXPECT_EQ(accept->status, 406);
  auto big = c.Post("/mcp", headers(), std::string(4096, ' ') + request("ping"), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  auto parse = c.Post("/mcp", headers(), "{not json", "application/json");
  ASSERT_TRUE(parse);
  EXPECT_EQ(parse->status, 400);
  EXPECT_EQ(Json::parse(parse->body)["error"]["code"], -32700);
  auto batch = c.Post("/mcp", headers(), "[" + request("ping") + "]", "application/json");
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->status, 400);
  auto health = c.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto ready = c.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("fini_mcp_http_requests_total{method=\"ping\",tool=\"-\",status=\"200\"}"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("fini_mcp_http_rejected_total{reason=\"content_type\"} 1"), std::string::npos);
  EXPECT_NE(metrics->body.find("fini_mcp_http_in_flight 0"), std::string::npos);
  auto other = c.Get("/elsewhere");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
}

TEST_F(HttpServerTest, ProgressStreamsOverSseThenTheResult) {
  start();
  auto c = client();
  std::string events;
  auto done = std::async(std::launch::async, [&] {
    return c.Post("/mcp", headers(), call("slow", Json{{"progressToken", "p1"}}), "application/json");
  });
  tools_.wait_started(1);
  tools_.release();
  auto res = done.get();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/event-stream");
  const auto first = res->body.find("notifications/progress");
  const auto result = res->body.find("\"result\"");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(result, std::string::npos);
  EXPECT_LT(first, result);  // progress before the result, the result last
  EXPECT_NE(res->body.find("\"progressToken\":\"p1\""), std::string::npos);
}

TEST_F(HttpServerTest, JsonWhenTheClientDoesNotTakeSse) {
  start();
  auto c = client();
  auto h = headers();
  h.erase("Accept");
  h.emplace("Accept", "application/json");
  tools_.release();
  auto res = c.Post("/mcp", h, call("slow", Json{{"progressToken", "p1"}}), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(Json::parse(res->body)["result"]["content"][0]["text"], "slept");
}

TEST_F(HttpServerTest, ClientDisconnectCancelsTheCall) {
  start();
  {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    c->set_read_timeout(0, 300000);  // give up after 300 ms: the socket closes
    auto res = c->Post("/mcp", headers(), call("slow"), "application/json");
    EXPECT_FALSE(res);
  }
  tools_.wait_cancelled(1);
}

TEST_F(HttpServerTest, NotificationsCancelledCancelsOnlyTheSameKeysCall) {
  start();
  auto pending = std::async(std::launch::async, [&] {
    auto c = client();
    return c.Post("/mcp", headers(), call("slow"), "application/json");  // id 7
  });
  tools_.wait_started(1);
  const std::string cancel = R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7}})";
  auto other = headers(false);
  other.emplace("Authorization", "Bearer fini_sandbox_globex_rw_9e2b6d4a81");
  auto c = client();
  auto foreign = c.Post("/mcp", other, cancel, "application/json");
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 202);
  {
    std::lock_guard lock(tools_.mutex);
    EXPECT_EQ(tools_.cancelled, 0);  // another key's id 7 is not this call
  }
  auto own = c.Post("/mcp", headers(), cancel, "application/json");
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 202);
  tools_.wait_cancelled(1);
  auto r = pending.get();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerTest, BeyondMaxInFlightIs503WithRetryAfter) {
  HttpOptions o;
  o.max_in_flight = 1;
  start(o);
  auto first = std::async(std::launch::async, [&] {
    auto c = client();
    return c.Post("/mcp", headers(), call("slow"), "application/json");
  });
  tools_.wait_started(1);
  auto c = client();
  auto second = c.Post("/mcp", headers(), call("echo"), "application/json");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 503);
  EXPECT_EQ(second->get_header_value("Retry-After"), "1");
  EXPECT_EQ(Json::parse(second->body)["error"]["code"], -32000);
  tools_.release();
  auto r = first.get();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

// A connection that sends nothing holds a connection thread (until the read timeout).
int idle_connection(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

TEST_F(HttpServerTest, ConnectionsBeyondThePoolGet503NotAHang) {
  HttpOptions o;
  o.threads = 2;
  o.overflow_threads = 1;
  o.read_timeout_s = 30;  // the idle connections would hold their threads this long
  start(o);
  const int a = idle_connection(server_->port()), b = idle_connection(server_->port());
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  auto c = client();
  const auto t0 = std::chrono::steady_clock::now();
  auto res = c.Post("/mcp", headers(), request("ping"), "application/json");
  const auto waited = std::chrono::steady_clock::now() - t0;
  ::close(a);
  ::close(b);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(res->get_header_value("Retry-After"), "1");
  EXPECT_EQ(Json::parse(res->body)["error"]["code"], -32000);
  EXPECT_LT(waited, std::chrono::seconds(5));  // answered by an overflow thread, not queued behind the idle ones
}

// Connections beyond the pool that never send a byte (slow clients) must not hold the refusal:
// each is answered 503 without its request being read, and a normal client after them too.
TEST_F(HttpServerTest, SlowConnectionsBeyondThePoolDoNotHoldTheRefusal) {
  HttpOptions o;
  o.threads = 2;
  o.overflow_threads = 1;
  o.read_timeout_s = 30;  // a thread reading one of them would wait this long
  start(o);
  std::vector<int> idle;
  for (int i = 0; i < 2 + 5; ++i) idle.push_back(idle_connection(server_->port()));
  for (int fd : idle) ASSERT_GE(fd, 0);
  // The five beyond the pool were answered at once: a 503 arrives on each without sending anything.
  for (std::size_t i = 2; i < idle.size(); ++i) {
    timeval tv{5, 0};
    ::setsockopt(idle[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[512] = {};
    const ssize_t n = ::recv(idle[i], buf, sizeof buf - 1, MSG_WAITALL);
    ASSERT_GT(n, 0) << "connection " << i << " got no answer";
    EXPECT_EQ(std::string(buf).rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u) << buf;
    EXPECT_NE(std::string(buf).find("Retry-After: 1\r\n"), std::string::npos);
    EXPECT_NE(std::string(buf).find("\"code\":-32000"), std::string::npos);
  }
  auto c = client();
  const auto t0 = std::chrono::steady_clock::now();
  auto res = c.Post("/mcp", headers(), request("ping"), "application/json");
  const auto waited = std::chrono::steady_clock::now() - t0;
  for (int fd : idle) ::close(fd);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_LT(waited, std::chrono::seconds(5));
}

TEST_F(HttpServerTest, DrainFinishesTheCallInFlightAndRefusesNewWork) {
  start();
  auto inflight = std::async(std::launch::async, [&] {
    auto c = client();
    return c.Post("/mcp", headers(), call("slow"), "application/json");
  });
  tools_.wait_started(1);
  auto drained = std::async(std::launch::async, [&] { server_->drain(); });
  // New connections are refused once the drain started; wait for /readyz to say so.
  while (!server_->draining()) std::this_thread::yield();
  tools_.release();
  auto r = inflight.get();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Json::parse(r->body)["result"]["content"][0]["text"], "slept");
  drained.get();
  thread_.join();  // run() returned: every connection ended
  auto c = client();
  c.set_connection_timeout(1, 0);
  EXPECT_FALSE(c.Post("/mcp", headers(), request("ping"), "application/json"));
}

// Revision 2026-07-28 on the same endpoint: no session, the checks of the revision with their
// statuses, the key still per request, and the legacy path untouched next to it.
TEST_F(HttpServerTest, ModernEraOnTheSameEndpoint) {
  start();
  auto c = client();
  const Json meta{{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                  {"io.modelcontextprotocol/clientCapabilities", Json::object()}};
  auto post = [&](const std::string& method, Json params, httplib::Headers h) {
    params["_meta"] = meta;
    return c.Post("/mcp", h, Json{{"jsonrpc", "2.0"}, {"id", "r1"}, {"method", method}, {"params", params}}.dump(),
                  "application/json");
  };
  auto modern = [&](const std::string& method, const std::string& name = "") {
    httplib::Headers h{{"Accept", "application/json, text/event-stream"},
                       {"MCP-Protocol-Version", "2026-07-28"},
                       {"Mcp-Method", method},
                       {"Authorization", std::string("Bearer ") + kKey}};
    if (!name.empty()) h.emplace("Mcp-Name", name);
    return h;
  };
  auto discover = post("server/discover", Json::object(), modern("server/discover"));
  ASSERT_TRUE(discover);
  EXPECT_EQ(discover->status, 200);
  EXPECT_FALSE(discover->has_header("Mcp-Session-Id"));
  EXPECT_EQ(Json::parse(discover->body)["result"]["supportedVersions"][0], "2026-07-28");
  auto echo = post("tools/call", Json{{"name", "echo"}, {"arguments", {{"a", 1}}}}, modern("tools/call", "echo"));
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->status, 200);
  EXPECT_EQ(Json::parse(echo->body)["result"]["resultType"], "complete");
  auto wrong_name = post("tools/call", Json{{"name", "echo"}}, modern("tools/call", "key"));
  ASSERT_TRUE(wrong_name);
  EXPECT_EQ(wrong_name->status, 400);
  EXPECT_EQ(Json::parse(wrong_name->body)["error"]["code"], -32020);
  EXPECT_EQ(Json::parse(wrong_name->body)["id"], "r1");
  auto removed = post("ping", Json::object(), modern("ping"));
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 404);
  EXPECT_EQ(Json::parse(removed->body)["error"]["code"], -32601);
  auto no_meta = c.Post("/mcp", modern("tools/list"), request("tools/list"), "application/json");
  ASSERT_TRUE(no_meta);
  EXPECT_EQ(no_meta->status, 400);
  EXPECT_EQ(Json::parse(no_meta->body)["error"]["code"], -32602);
  auto h = modern("tools/call", "echo");
  h.erase("Authorization");
  auto no_key = post("tools/call", Json{{"name", "echo"}}, h);
  ASSERT_TRUE(no_key);
  EXPECT_EQ(no_key->status, 401);
  EXPECT_EQ(Json::parse(no_key->body)["id"], "r1");
  auto legacy = c.Post("/mcp", headers(), request("ping"), "application/json");  // the legacy era, unchanged
  ASSERT_TRUE(legacy);
  EXPECT_EQ(legacy->status, 200);
  EXPECT_EQ(Json::parse(legacy->body)["result"], Json::object());
}

}  // namespace
}  // namespace fini::http
