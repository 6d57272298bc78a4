// The call engine with a test sink in place of a transport: cancellation by (scope, id), the
// progress gate, ids in use, capacity, drain and cut-short, "not sent" past the drain, and
// server→client requests woken by cancellation.
#include "mcp/engine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace fini::mcp {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A call whose sink records what reached it: progress values, then "reply".
class TestCall final : public EngineCall {
 public:
  TestCall(CallEngine& engine, std::string scope, Json id, Json token = nullptr)
      : EngineCall(engine, std::move(scope), std::move(id), std::move(token)) {}
  void log(LogLevel, const std::string&, const Json&) override {}
  const ClientInfo& client() const override { return client_; }
  void notify(const std::string&, const Json&) override {}

  Json wait_reply() {
    std::unique_lock lock(mutex_);
    EXPECT_TRUE(cv_.wait_for(lock, std::chrono::seconds(10), [&] { return answered_; }));
    return reply_;
  }
  bool answered() {
    std::lock_guard lock(mutex_);
    return answered_;
  }
  std::vector<std::string> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  bool gone_at_reply() {
    std::lock_guard lock(mutex_);
    return gone_;
  }

 private:
  void emit(const Json& n) override {
    std::lock_guard lock(mutex_);
    seen_.push_back(n["params"]["progress"].dump());
  }
  void deliver(Json reply, bool client_gone) override {
    std::lock_guard lock(mutex_);
    EXPECT_FALSE(answered_) << "answered twice";
    seen_.push_back("reply");
    reply_ = std::move(reply);
    gone_ = client_gone;
    answered_ = true;
    cv_.notify_all();
  }
  ClientInfo client_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> seen_;
  Json reply_;
  bool answered_ = false;
  bool gone_ = false;
};

// A job that says when it started and runs until its call is cancelled (or released).
struct Gate {
  std::mutex mutex;
  std::condition_variable cv;
  int started = 0;
  bool released = false;
  std::string reason;  // why the last job ended

  CallEngine::Job job() {
    return [this](CallContext& ctx) {
      {
        std::lock_guard lock(mutex);
        ++started;
      }
      cv.notify_all();
      auto wake = ctx.cancel_token().on_cancel([this] {
        std::lock_guard lock(mutex);
        cv.notify_all();
      });
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return released || ctx.cancelled(); });
      reason = ctx.cancelled() ? ctx.cancel_token().reason() : "released";
      return jsonrpc::make_result(nullptr, Json{{"ended", reason}});
    };
  }
  void wait_started(int n) {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return started >= n; }));
  }
  void release() {
    std::lock_guard lock(mutex);
    released = true;
    cv.notify_all();
  }
};

EngineOptions options(std::size_t workers = 4) {
  EngineOptions o;
  o.workers = workers;
  o.capacity = 16;
  o.drain_timeout = milliseconds(10000);
  o.abort_grace = milliseconds(5000);
  return o;
}

TEST(CallEngine, CancelsByIdOnlyInTheCallersScope) {
  CallEngine engine(options());
  Gate gate;
  auto call = std::make_shared<TestCall>(engine, "alice", 7);
  ASSERT_EQ(engine.start(call, gate.job()), CallEngine::Started::kRunning);
  gate.wait_started(1);
  engine.cancel("mallory", 7);  // same id, somebody else's scope
  engine.cancel("alice", 8);    // the caller's scope, another id
  EXPECT_FALSE(call->cancel_token().cancelled());
  engine.cancel("alice", 7);
  EXPECT_EQ(call->wait_reply()["result"]["ended"], "cancelled by the client");
  EXPECT_TRUE(call->gone_at_reply());  // stdio then stays silent
  EXPECT_TRUE(engine.drain());
}

TEST(CallEngine, AnIdInUseIsRefusedOtherScopesAreNot) {
  CallEngine engine(options());
  Gate gate;
  auto first = std::make_shared<TestCall>(engine, "", 1);
  ASSERT_EQ(engine.start(first, gate.job()), CallEngine::Started::kRunning);
  auto twin = std::make_shared<TestCall>(engine, "", 1);
  EXPECT_EQ(engine.start(twin, gate.job()), CallEngine::Started::kAnswered);
  EXPECT_EQ(twin->wait_reply()["error"]["code"], jsonrpc::kInvalidRequest);
  auto other = std::make_shared<TestCall>(engine, "b", 1);
  EXPECT_EQ(engine.start(other, gate.job()), CallEngine::Started::kRunning);
  gate.release();
  first->wait_reply();
  other->wait_reply();
  // Once answered, the id is free again.
  auto again = std::make_shared<TestCall>(engine, "", 1);
  EXPECT_EQ(engine.start(again, [](CallContext&) { return Json{{"result", 1}}; }), CallEngine::Started::kRunning);
  EXPECT_EQ(again->wait_reply()["result"], 1);
  EXPECT_TRUE(engine.drain());
}

TEST(CallEngine, ProgressIsMonotonicAndNeverAfterTheReply) {
  CallEngine engine(options());
  auto call = std::make_shared<TestCall>(engine, "", 1, "tok");
  engine.run_inline(call, [](CallContext& ctx) {
    for (double p : {1.0, 2.0, 2.0, 1.5, 3.0}) ctx.progress(p, 3, "");
    return Json{{"result", "done"}};
  });
  call->progress(4, 4, "late");  // after the reply: dropped
  EXPECT_EQ(call->seen(), (std::vector<std::string>{"1.0", "2.0", "3.0", "reply"}));
  auto silent = std::make_shared<TestCall>(engine, "", 2);  // no progress token: nothing
  engine.run_inline(silent, [](CallContext& ctx) {
    ctx.progress(1, std::nullopt, "");
    return Json{{"result", "done"}};
  });
  EXPECT_EQ(silent->seen(), std::vector<std::string>{"reply"});
}

TEST(CallEngine, CapacityCountsSlotsAndCalls) {
  EngineOptions o = options();
  o.capacity = 2;
  CallEngine engine(o);
  auto a = engine.try_acquire();
  auto b = engine.try_acquire();
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(engine.try_acquire());
  a->reset();
  EXPECT_TRUE(engine.try_acquire());
}

TEST(CallEngine, DrainWaitsForRunningCallsThenCancelsThem) {
  EngineOptions o = options();
  o.drain_timeout = milliseconds(300);
  CallEngine engine(o);
  Gate gate;
  auto call = std::make_shared<TestCall>(engine, "", 1);
  engine.start(call, gate.job());
  gate.wait_started(1);
  const auto t0 = Clock::now();
  EXPECT_TRUE(engine.drain());
  EXPECT_GE(Clock::now() - t0, milliseconds(300));  // it waited for the real answer first
  EXPECT_EQ(call->wait_reply()["result"]["ended"], "the server is shutting down");
  EXPECT_FALSE(call->gone_at_reply());  // the client still wants this answer
}

TEST(CallEngine, ACallFinishingWithinTheDrainKeepsItsRealAnswer) {
  CallEngine engine(options());
  Gate gate;
  auto call = std::make_shared<TestCall>(engine, "", 1);
  engine.start(call, gate.job());
  gate.wait_started(1);
  std::thread releaser([&] { gate.release(); });
  EXPECT_TRUE(engine.drain());
  releaser.join();
  EXPECT_EQ(call->wait_reply()["result"]["ended"], "released");
}

TEST(CallEngine, CutShortEndsTheDrainAtOnce) {
  CallEngine engine(options());  // a 10 s drain
  Gate gate;
  auto call = std::make_shared<TestCall>(engine, "", 1);
  engine.start(call, gate.job());
  gate.wait_started(1);
  const auto t0 = Clock::now();
  std::thread drainer([&] { EXPECT_TRUE(engine.drain()); });
  engine.cut_short();
  drainer.join();
  EXPECT_LT(Clock::now() - t0, milliseconds(5000));
  EXPECT_EQ(call->wait_reply()["result"]["ended"], "the server is shutting down");
}

TEST(CallEngine, CallsNotStartedByTheEndOfTheDrainAreNotSent) {
  EngineOptions o = options(/*workers=*/1);
  o.drain_timeout = milliseconds(50);
  CallEngine engine(o);
  Gate gate;
  auto running = std::make_shared<TestCall>(engine, "", 1);
  engine.start(running, gate.job());
  gate.wait_started(1);
  bool ran = false;
  auto queued = std::make_shared<TestCall>(engine, "", 2);  // behind the only worker
  engine.start(queued, [&ran](CallContext&) {
    ran = true;
    return Json{{"result", "sent"}};
  });
  EXPECT_TRUE(engine.drain());
  const Json reply = queued->wait_reply();
  EXPECT_FALSE(ran);
  EXPECT_NE(reply["error"]["message"].get<std::string>().find(kNotSentText), std::string::npos);
  auto late = std::make_shared<TestCall>(engine, "", 3);  // after the drain: refused, answered
  EXPECT_EQ(engine.start(late, gate.job()), CallEngine::Started::kNotSent);
  EXPECT_NE(late->wait_reply()["error"]["message"].get<std::string>().find(kNotSentText), std::string::npos);
}

// A server→client request, and what the transport wrote for it.
struct Client {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<Json> sent;
  void record(const Json& message) {
    std::lock_guard lock(mutex);
    sent.push_back(message);
    cv.notify_all();
  }
  Json wait_sent(std::size_t n) {
    std::unique_lock lock(mutex);
    EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return sent.size() >= n; }));
    return sent.size() >= n ? sent[n - 1] : Json();
  }
};

TEST(CallEngine, AnOutboundRequestIsAnsweredOrWokenByCancellationAtOnce) {
  Client client;
  EngineOptions o = options();
  o.send_to_client = [&client](const Json& m) { client.record(m); };
  CallEngine engine(o);
  auto asking = [](CallContext& ctx) {
    auto r = ctx.request("elicitation/create", Json::object(), std::chrono::seconds(30));
    return Json{{"result", r.ok() ? r->value("action", "") : r.status().message()}};
  };
  auto answered = std::make_shared<TestCall>(engine, "", 1);
  engine.start(answered, asking);
  const Json ask = client.wait_sent(1);
  engine.answer_request(jsonrpc::Response{ask["id"], Json{{"action", "accept"}}, std::nullopt});
  EXPECT_EQ(answered->wait_reply()["result"], "accept");

  // Cancelled while it waits: the wait ends with the cancel, not at a polling tick.
  std::vector<long> waits_us;
  for (int i = 0; i < 5; ++i) {
    auto call = std::make_shared<TestCall>(engine, "", 10 + i);
    engine.start(call, asking);
    client.wait_sent(2 + 2 * static_cast<std::size_t>(i));
    const auto t0 = Clock::now();
    engine.cancel("", 10 + i);
    const Json reply = call->wait_reply();
    waits_us.push_back(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count());
    EXPECT_EQ(reply["result"], "elicitation/create was cancelled");
    EXPECT_EQ(client.wait_sent(3 + 2 * static_cast<std::size_t>(i))["method"], "notifications/cancelled");
  }
  std::sort(waits_us.begin(), waits_us.end());
  EXPECT_LT(waits_us[2], 10000) << "median wake after cancel, µs";
  EXPECT_TRUE(engine.drain());
}

TEST(CallEngine, NoWayBackMeansTheRequestFailsAtOnce) {
  CallEngine engine(options());
  auto call = std::make_shared<TestCall>(engine, "", 1);
  engine.run_inline(call, [](CallContext& ctx) {
    auto r = ctx.request("elicitation/create", Json::object(), std::chrono::seconds(30));
    return Json{{"result", r.status().code() == Code::kFailedPrecondition}};
  });
  EXPECT_EQ(call->wait_reply()["result"], true);
}

TEST(CallEngine, AJobThatThrowsIsAnsweredInternalError) {
  CallEngine engine(options());
  auto call = std::make_shared<TestCall>(engine, "", 1);
  engine.start(call, [](CallContext&) -> Json { throw std::runtime_error("boom"); });
  EXPECT_EQ(call->wait_reply()["error"]["code"], jsonrpc::kInternalError);
  EXPECT_TRUE(engine.drain());
}

}  // namespace
}  // namespace fini::mcp
