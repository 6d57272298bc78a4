// The total deadline and cancellation reach the socket: dribbling peers end at the deadline,
// a cancelled call returns at once, and the pooled connection serves the next call.

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "rest/http_client.hpp"
#include "rest/test_servers.hpp"

namespace fini::rest {
namespace {

using fini::testing::RawServer;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr const char* kCanary = "fini_CANARYc4n4ryC4NARY0123456789";
constexpr milliseconds kGap{200};

ClientOptions options_for(int port, std::size_t connections = 1) {
  ClientOptions o;
  o.base = *parse_base_url("http://127.0.0.1:" + std::to_string(port));
  o.connect_timeout = milliseconds(2000);
  o.read_timeout = milliseconds(10000);  // per read: far longer than any gap below
  o.max_connections = connections;
  return o;
}

HttpRequest get(std::string path) {
  HttpRequest r;
  r.method = "GET";
  r.path = std::move(path);
  r.bearer_token = kCanary;
  return r;
}

// Each path misbehaves its own way for ~30 s (far past any deadline); "/ok" answers at once.
bool misbehave(int fd, const std::string& head, const std::atomic<bool>& stopping) {
  const std::string target = RawServer::target(head);
  const std::string long_tail(150, 'a');
  if (target == "/drip-headers") {
    RawServer::dribble(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Pad: " + long_tail, kGap, stopping);
    return false;
  }
  if (target == "/drip-body") {
    RawServer::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n");
    RawServer::dribble(fd, "[" + long_tail, kGap, stopping);
    return false;
  }
  if (target == "/drip-chunked") {
    RawServer::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    std::string chunks;
    for (int i = 0; i < 150; ++i) chunks += "1\r\na\r\n";
    RawServer::dribble(fd, chunks, kGap, stopping, 6);
    return false;
  }
  if (target == "/hang") {
    RawServer::hold(fd);
    return false;
  }
  return RawServer::respond(fd, 200, R"({"ok":true})");
}

class DripTest : public ::testing::TestWithParam<const char*> {};

TEST_P(DripTest, EndsAtTheDeadlineAndTheNextCallSucceeds) {
  RawServer server(misbehave);
  auto client = make_http_client(options_for(server.port()));
  HttpRequest req = get(GetParam());
  const auto start = Clock::now();
  req.deadline = start + milliseconds(1000);

  auto res = client->send(req);
  const auto took = Clock::now() - start;
  ASSERT_FALSE(res.ok()) << "status " << res->status;
  EXPECT_EQ(res.status().code(), Code::kDeadlineExceeded) << res.status().to_string();
  EXPECT_EQ(res.status().message(), "no complete response within 1 s from 127.0.0.1:" + std::to_string(server.port()));
  EXPECT_GE(took, milliseconds(950));
  EXPECT_LT(took, milliseconds(1500)) << "deadline + 500 ms";

  // Same client, one pooled connection: it reconnects and works.
  const auto again_start = Clock::now();
  auto again = client->send(get("/ok"));
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_EQ(again->status, 200);
  EXPECT_LT(Clock::now() - again_start, milliseconds(500));
  EXPECT_EQ(server.connections(), 2);
}

INSTANTIATE_TEST_SUITE_P(Peers, DripTest, ::testing::Values("/drip-headers", "/drip-body", "/drip-chunked"),
                         [](const ::testing::TestParamInfo<const char*>& p) {
                           const std::string n = std::string(p.param).substr(6);
                           return n == "headers" ? "Headers" : n == "body" ? "Body" : "Chunked";
                         });

TEST(DeadlineTest, PerReadTimeoutIsClampedToTheTimeLeft) {
  RawServer server(misbehave);
  auto client = make_http_client(options_for(server.port()));
  HttpRequest req = get("/hang");
  const auto start = Clock::now();
  req.deadline = start + milliseconds(300);
  auto res = client->send(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kDeadlineExceeded);
  EXPECT_EQ(res.status().message(),
            "no complete response within 300 ms from 127.0.0.1:" + std::to_string(server.port()));
  EXPECT_LT(Clock::now() - start, milliseconds(800));
}

TEST(DeadlineTest, AnAlreadyPassedDeadlineSendsNothing) {
  RawServer server(misbehave);
  auto client = make_http_client(options_for(server.port()));
  HttpRequest req = get("/ok");
  req.deadline = Clock::now() - milliseconds(1);
  auto res = client->send(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kDeadlineExceeded);
  EXPECT_EQ(server.requests(), 0);
}

// Cancels `token` from another thread after `after`; returns when it did.
std::future<Clock::time_point> cancel_later(CancelToken& token, milliseconds after) {
  return std::async(std::launch::async, [&token, after] {
    std::this_thread::sleep_for(after);  // only to let the request get going; nothing asserts on it
    const auto at = Clock::now();
    token.cancel("cancelled by the client");
    return at;
  });
}

TEST(CancelTest, CancelledCallReturnsAtOnce) {
  RawServer server(misbehave);
  auto client = make_http_client(options_for(server.port()));
  CancelToken token;
  HttpRequest req = get("/hang");
  req.cancel = &token;
  auto cancelled_at = cancel_later(token, milliseconds(150));
  auto res = client->send(req);
  const auto returned_at = Clock::now();
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kCancelled) << res.status().to_string();
  EXPECT_EQ(res.status().message(), "request cancelled (cancelled by the client)");
  EXPECT_LT(returned_at - cancelled_at.get(), milliseconds(200));
}

TEST(CancelTest, AnAlreadyCancelledTokenSendsNothing) {
  RawServer server(misbehave);
  auto client = make_http_client(options_for(server.port()));
  CancelToken token;
  token.cancel("the server is shutting down");
  HttpRequest req = get("/ok");
  req.cancel = &token;
  auto res = client->send(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kCancelled);
  EXPECT_EQ(server.requests(), 0);
}

TEST(CancelTest, EightCancelledCallsLeaveThePoolUsable) {
  RawServer server(misbehave);
  auto client = make_http_client(options_for(server.port(), 8));
  std::vector<std::unique_ptr<CancelToken>> tokens;
  std::vector<std::future<std::pair<Code, Clock::time_point>>> calls;
  for (int i = 0; i < 8; ++i) {
    tokens.push_back(std::make_unique<CancelToken>());
    calls.push_back(std::async(std::launch::async, [&client, token = tokens.back().get()] {
      HttpRequest req = get("/hang");
      req.cancel = token;
      auto res = client->send(req);
      return std::make_pair(res.ok() ? Code::kOk : res.status().code(), Clock::now());
    }));
  }
  std::this_thread::sleep_for(milliseconds(200));  // let them reach the peer; nothing asserts on it
  for (auto& t : tokens) t->cancel("cancelled by the client");
  const auto all_cancelled = Clock::now();
  for (auto& c : calls) {
    const auto [code, at] = c.get();
    EXPECT_EQ(code, Code::kCancelled);
    EXPECT_LT(at - all_cancelled, milliseconds(200));
  }
  const auto start = Clock::now();
  auto res = client->send(get("/ok"));
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
  EXPECT_LT(Clock::now() - start, milliseconds(200));
}

TEST(CancelTest, MessagesNeverCarryTheKey) {
  RawServer server(misbehave);
  auto client = make_http_client(options_for(server.port()));
  CancelToken token;
  HttpRequest req = get("/drip-headers");
  req.cancel = &token;
  auto cancelled = cancel_later(token, milliseconds(50));
  auto res = client->send(req);
  cancelled.get();
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().message().find("CANARY"), std::string::npos);
  req.cancel = nullptr;
  req.deadline = Clock::now() + milliseconds(200);
  res = client->send(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().message().find("CANARY"), std::string::npos);
}

// A call waiting for a pooled connection also honours its deadline and its cancellation.
TEST(PoolWaitTest, WaitingForAConnectionEndsAtTheDeadlineOrOnCancel) {
  RawServer server(misbehave);
  auto client = make_http_client(options_for(server.port(), 1));
  CancelToken hold_token;
  HttpRequest hold = get("/hang");
  hold.cancel = &hold_token;
  auto holder = std::async(std::launch::async, [&] { return client->send(hold).status().code(); });
  while (server.requests() == 0) std::this_thread::yield();  // the only connection is taken

  HttpRequest waiting = get("/ok");
  const auto start = Clock::now();
  waiting.deadline = start + milliseconds(300);
  auto res = client->send(waiting);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kDeadlineExceeded);
  EXPECT_EQ(res.status().message(),
            "no free connection to 127.0.0.1:" + std::to_string(server.port()) + " before the deadline");
  EXPECT_LT(Clock::now() - start, milliseconds(800));

  CancelToken token;
  waiting.deadline.reset();
  waiting.cancel = &token;
  auto cancelled_at = cancel_later(token, milliseconds(100));
  res = client->send(waiting);
  const auto returned_at = Clock::now();
  EXPECT_EQ(res.status().code(), Code::kCancelled);
  EXPECT_LT(returned_at - cancelled_at.get(), milliseconds(200));

  hold_token.cancel("done");
  EXPECT_EQ(holder.get(), Code::kCancelled);
  auto ok = client->send(get("/ok"));
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
}

}  // namespace
}  // namespace fini::rest
