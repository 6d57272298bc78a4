// The service routes on a real httplib::Server over loopback: /healthz, /readyz (503 while
// draining), /metrics (the edge's counters, the abuse limits' and extra_metrics), 405 for GET and
// DELETE /mcp, and the OAuth routes of the real AuthServer when one is configured.
#include "http/routes.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "http/http_options.hpp"
#include "http/metrics.hpp"
#include "oauth/auth_server.hpp"

namespace fini::http {
namespace {

using Json = nlohmann::json;

class RoutesTest : public ::testing::Test {
 protected:
  void start() {
    install_service_routes(svr_, options_, metrics_, draining_);
    port_ = svr_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { svr_.listen_after_bind(); });  // the socket listens already: no wait
  }
  void TearDown() override {
    svr_.stop();
    if (thread_.joinable()) thread_.join();
  }
  httplib::Client client() const { return httplib::Client("127.0.0.1", port_); }

  HttpOptions options_;
  Metrics metrics_;
  std::atomic<bool> draining_{false};
  httplib::Server svr_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(RoutesTest, HealthAndReadiness) {
  start();
  auto c = client();
  auto health = c.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok\n");
  auto ready = c.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(ready->body, "ready\n");
  draining_ = true;
  auto draining = c.Get("/readyz");
  ASSERT_TRUE(draining);
  EXPECT_EQ(draining->status, 503);
  EXPECT_EQ(draining->body, "draining\n");
  EXPECT_EQ(c.Get("/healthz")->status, 200);  // alive while draining
}

TEST_F(RoutesTest, GetAndDeleteOnMcpAre405) {
  start();
  auto c = client();
  for (const char* method : {"GET", "DELETE"}) {
    auto res = std::string(method) == "GET" ? c.Get("/mcp") : c.Delete("/mcp");
    ASSERT_TRUE(res) << method;
    EXPECT_EQ(res->status, 405);
    EXPECT_EQ(res->get_header_value("Allow"), "POST");
    EXPECT_EQ(Json::parse(res->body)["error"]["code"], -32000);
  }
  EXPECT_NE(metrics_.render().find("fini_mcp_http_rejected_total{reason=\"method_not_allowed\"} 2"), std::string::npos);
}

TEST_F(RoutesTest, MetricsShowTheCountersTheLimitsAndTheExtras) {
  options_.limits = std::make_shared<AbuseLimits>(AbuseOptions{});
  options_.extra_metrics = [] { return std::string("extra_metric 1\n"); };
  start();
  metrics_.rejected("framing");
  auto res = client().Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4");
  EXPECT_NE(res->body.find("fini_mcp_http_rejected_total{reason=\"framing\"} 1"), std::string::npos);
  EXPECT_NE(res->body.find(options_.limits->render_metrics()), std::string::npos);
  EXPECT_NE(res->body.find("extra_metric 1\n"), std::string::npos);
}

TEST_F(RoutesTest, TheOAuthRoutesOnlyWithAnAuthGate) {
  auto ring = KeyRing::from_secrets({std::string(64, 's')});
  oauth::AuthServer auth(
      std::move(*ring), [](const std::string&) { return Result<credentials::KeyCheck>(credentials::KeyCheck{}); },
      oauth::AuthServerOptions{});
  options_.auth = &auth;
  start();
  auto res = client().Get("/.well-known/oauth-authorization-server");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(RoutesTest, NoOAuthRoutesWithoutAnAuthGate) {
  start();
  auto res = client().Get("/.well-known/oauth-authorization-server");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
}

}  // namespace
}  // namespace fini::http
