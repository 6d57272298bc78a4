// /metrics labels come from requests a stranger can send before any key is checked: they must be
// bounded (unknown names become "other") and can never add a line of their own.
#include "http/metrics.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fini::http {
namespace {

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(MetricsTest, KnownMethodsAndToolsAreLabelledAsThemselves) {
  Metrics metrics;
  metrics.set_known_tools({"list_agents"});
  metrics.request_done("tools/call", "list_agents", 200, 0.01);
  metrics.upstream_done("list_agents", 200);
  const std::string text = metrics.render();
  EXPECT_NE(text.find("fini_mcp_http_requests_total{method=\"tools/call\",tool=\"list_agents\",status=\"200\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("fini_mcp_upstream_calls_total{tool=\"list_agents\",status=\"200\"} 1"), std::string::npos);
}

TEST(MetricsTest, AClientChosenMethodOrToolCannotWriteALineOrShowAKey) {
  Metrics metrics;
  metrics.set_known_tools({"list_agents"});
  metrics.request_done("x\",a=\"b\"} 1\nfake_metric{a=\"b\"", "-", 401, 0.001);
  metrics.request_done("tools/call", "fini_live_Q2x9aaaaaaaaaaaaaaaaaaaaaaaa", 401, 0.001);
  metrics.request_done("tools/call", "no\"such\ntool", 401, 0.001);
  const std::string text = metrics.render();
  EXPECT_EQ(text.find("fake_metric"), std::string::npos) << text;
  EXPECT_EQ(text.find("fini_live_"), std::string::npos) << text;
  EXPECT_EQ(text.find("no\"such"), std::string::npos) << text;
  EXPECT_NE(text.find("{method=\"other\",tool=\"-\",status=\"401\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("{method=\"tools/call\",tool=\"other\",status=\"401\"} 2"), std::string::npos) << text;
}

TEST(MetricsTest, ManyDistinctNamesKeepTheLabelSetBounded) {
  Metrics metrics;
  for (int i = 0; i < 5000; ++i) {
    metrics.request_done("m" + std::to_string(i), "t" + std::to_string(i), 401, 0.001);
  }
  EXPECT_EQ(count_of(metrics.render(), "fini_mcp_http_requests_total{"), 1u);
}

}  // namespace
}  // namespace fini::http
