// Admission on the real edge listener over loopback sockets (the body is read from the
// connection): each refusal's status and /metrics reason, the keyless large body refused before
// it is sent, the body limits (16 KiB keyless, 32 KiB OAuth forms, 64 KiB anonymous discovery,
// --max-body-bytes), the body deadline, and a connection on an overflow thread answered 503.
#include "http/admission.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "http/bearer_auth.hpp"
#include "http/edge_listener.hpp"
#include "http/http_options.hpp"
#include "http/metrics.hpp"
#include "http/refuser.hpp"
#include "http/task_queue.hpp"
#include "loopback.hpp"
#include "oauth/auth_server.hpp"

namespace fini::http {
namespace {

using std::chrono::milliseconds;
constexpr const char* kKey = "fini_sandbox_acme_rw_1d9a7e3c52";

class AdmissionTest : public ::testing::Test {
 protected:
  void start(std::size_t threads = 4) {
    listener_ =
        make_edge_listener(EdgeLimits{milliseconds(2000), milliseconds(2000), milliseconds(2000), milliseconds(500)},
                           EdgeHooks{[this](int sock) { refuser_.linger(sock); }, [] {}});
    auto& svr = listener_->server();
    svr.new_task_queue = [threads] { return new BoundedTaskQueue(threads, 1, [](int) { return false; }); };
    svr.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      return admission_.pre_routing(req, res) ? httplib::Server::HandlerResponse::Handled
                                              : httplib::Server::HandlerResponse::Unhandled;
    });
    // As handle_post begins: the body-less checks again, then the body as read.
    svr.Post("/mcp", [this](const httplib::Request& req, httplib::Response& res) {
      if (admission_.admit(req, res)) res.set_content("read " + std::to_string(req.body.size()), "text/plain");
    });
    port_ = svr.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    admission_.set_port(port_);
    thread_ = std::thread([this] { listener_->server().listen_after_bind(); });
  }
  void TearDown() override {
    if (listener_) listener_->stop_accepting();
    if (thread_.joinable()) thread_.join();
  }
  httplib::Headers headers(bool key = true) const {
    httplib::Headers h{{"Accept", "application/json, text/event-stream"}};
    if (key) h.emplace("Authorization", std::string("Bearer ") + kKey);
    return h;
  }
  httplib::Result post(const httplib::Headers& h, const std::string& body, const std::string& path = "/mcp",
                       const std::string& type = "application/json") {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(10, 0);
    return c.Post(path.c_str(), h, body, type.c_str());
  }
  // Raw bytes in, everything until the server closes out.
  std::string raw(const std::string& request) {
    const int fd = test::connect_loopback(port_);
    test::send_all(fd, request);
    bool closed = false;
    std::string out = test::read_to_close(fd, closed);
    ::close(fd);
    return out;
  }
  bool counted(const std::string& reason) const {
    return metrics_.render().find("fini_mcp_http_rejected_total{reason=\"" + reason + "\"}") != std::string::npos;
  }

  HttpOptions options_;
  Metrics metrics_;
  std::atomic<bool> draining_{false};
  BearerAuth bearer_{options_, metrics_};
  Admission admission_{options_, metrics_, bearer_, draining_};
  OverflowRefuser refuser_{"", milliseconds(1000)};
  std::unique_ptr<Listener> listener_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(AdmissionTest, AWellFormedPostIsReadAndPassedOn) {
  start();
  auto res = post(headers(), "{\"jsonrpc\":\"2.0\"}");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "read 17");
}

TEST_F(AdmissionTest, HeaderRefusalsHaveTheirStatusAndReason) {
  start();
  struct Case {
    httplib::Headers extra;
    std::string type;
    int status;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {{{"Host", "evil.example.com"}}, "application/json", 403, "host"},
      {{{"Origin", "https://evil.example.com"}}, "application/json", 403, "origin"},
      {{{"Accept", "text/html"}}, "application/json", 406, "accept"},
      {{}, "text/plain", 415, "content_type"},
  };
  for (const auto& c : cases) {
    httplib::Headers h = c.extra;
    if (!h.count("Accept")) h.emplace("Accept", "application/json");
    h.emplace("Authorization", std::string("Bearer ") + kKey);
    auto res = post(h, "{}", "/mcp", c.type);
    ASSERT_TRUE(res) << c.reason;
    EXPECT_EQ(res->status, c.status) << c.reason;
    EXPECT_TRUE(counted(c.reason)) << c.reason;
  }
}

TEST_F(AdmissionTest, DrainingIs503WithRetryAfterAndClose) {
  options_.retry_after_s = 7;
  start();
  draining_ = true;
  auto res = post(headers(), "{}");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(res->get_header_value("Retry-After"), "7");
  EXPECT_EQ(res->get_header_value("Connection"), "close");
  EXPECT_TRUE(counted("draining"));
}

TEST_F(AdmissionTest, AmbiguousFramingIs400BeforeAnything) {
  start();
  const std::string out =
      raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}");
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(counted("framing"));
}

TEST_F(AdmissionTest, AKeylessLargeBodyIs401BeforeItIsSent) {
  start();
  // Only the head: the answer comes without the body ever being sent.
  const std::string out =
      raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          "Content-Length: 100000\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 401", 0), 0u) << out;
  EXPECT_NE(out.find("WWW-Authenticate: Bearer"), std::string::npos);
  EXPECT_TRUE(counted("unauthorized_before_body"));
  // A malformed credential is no better.
  const std::string bad =
      raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          "Authorization: Bearer nonsense\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_EQ(bad.rfind("HTTP/1.1 401", 0), 0u) << bad;
}

TEST_F(AdmissionTest, AKeylessSmallBodyIsRead) {
  start();
  auto res = post(headers(false), std::string(kSmallBody, ' '));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "read 16384");
}

TEST_F(AdmissionTest, BodyLimits) {
  options_.anonymous_discovery = true;
  options_.max_body_bytes = 100000;
  start();
  auto keyless = post(headers(false), std::string(kKeylessBodyLimit + 1, ' '));
  ASSERT_TRUE(keyless);
  EXPECT_EQ(keyless->status, 413);
  EXPECT_NE(keyless->body.find("exceeds 65536 bytes."), std::string::npos);
  EXPECT_TRUE(counted("body_too_large"));
  auto at_limit = post(headers(), std::string(100000, ' '));
  ASSERT_TRUE(at_limit);
  EXPECT_EQ(at_limit->body, "read 100000");
  auto over = post(headers(), std::string(100001, ' '));
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 413);
  EXPECT_NE(over->body.find("exceeds 100000 bytes (--max-body-bytes)."), std::string::npos);
}

TEST_F(AdmissionTest, OAuthFormsAreSmallAndOnlyForThisLoopbackHost) {
  auto ring = KeyRing::from_secrets({std::string(64, 's')});
  oauth::AuthServer auth(
      std::move(*ring), [](const std::string&) { return Result<credentials::KeyCheck>(credentials::KeyCheck{}); },
      oauth::AuthServerOptions{});
  options_.auth = &auth;
  start();
  auto big = post({}, std::string(kOAuthBodyLimit + 1, 'a'), "/token", "application/x-www-form-urlencoded");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_NE(big->body.find("exceeds 32768 bytes."), std::string::npos);
  auto rebound = post({{"Host", "evil.example.com"}}, "a=b", "/token", "application/x-www-form-urlencoded");
  ASSERT_TRUE(rebound);
  EXPECT_EQ(rebound->status, 403);
  EXPECT_EQ(rebound->get_header_value("Content-Type"), "text/plain");
}

TEST_F(AdmissionTest, ABodyNotReceivedInTimeIs408) {
  start();
  const std::string out =
      raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          "Authorization: Bearer " +
          std::string(kKey) + "\r\nContent-Length: 100\r\n\r\n{\"a\":");
  EXPECT_EQ(out.rfind("HTTP/1.1 408", 0), 0u) << out;
  EXPECT_TRUE(counted("request_timeout"));
}

TEST_F(AdmissionTest, MalformedChunksAre400) {
  start();
  const std::string out =
      raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          "Authorization: Bearer " +
          std::string(kKey) + "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
  EXPECT_TRUE(counted("framing"));
}

TEST_F(AdmissionTest, AConnectionOnAnOverflowThreadIs503) {
  options_.retry_after_s = 3;
  start(0);  // no connection threads: every connection lands on the overflow thread
  auto res = post(headers(), "{}");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(res->get_header_value("Retry-After"), "3");
  EXPECT_TRUE(counted("overloaded"));
}

}  // namespace
}  // namespace fini::http
