// Where the eras meet HTTP: the era of a POST (header and _meta), the headers handed to its
// check, and the one mapping from a refusal's kind to an HTTP status.
#include <gtest/gtest.h>
#include <httplib.h>

#include "http/era_status.hpp"

namespace fini::http {
namespace {

using mcp::Refusal;

httplib::Request post(std::initializer_list<std::pair<const char*, const char*>> headers) {
  httplib::Request req;
  for (const auto& [name, value] : headers) req.headers.emplace(name, value);
  return req;
}

mcp::Json modern_meta(const std::string& version = "2026-07-28") {
  return mcp::Json{{"io.modelcontextprotocol/protocolVersion", version},
                   {"io.modelcontextprotocol/clientCapabilities", mcp::Json::object()}};
}

TEST(EraStatus, WhichPostsAreModern) {
  EXPECT_TRUE(is_modern_post(std::string("2026-07-28"), mcp::Json::object()));
  EXPECT_TRUE(is_modern_post(std::string("v999.0.0"), mcp::Json{{"_meta", modern_meta("v999.0.0")}}));
  EXPECT_TRUE(is_modern_post(std::nullopt, mcp::Json{{"_meta", modern_meta()}}));
  EXPECT_FALSE(is_modern_post(std::string("2025-11-25"), mcp::Json{{"protocolVersion", "2025-11-25"}}));
  EXPECT_FALSE(is_modern_post(std::string("1999-01-01"), nullptr));  // legacy path: 400 there
}

TEST(EraStatus, OneStatusPerKindOfRefusal) {
  EXPECT_EQ(http_status(Refusal::Kind::kAnswer), 200);
  EXPECT_EQ(http_status(Refusal::Kind::kInvalid), 400);
  EXPECT_EQ(http_status(Refusal::Kind::kUnknownMethod), 404);
}

TEST(EraStatus, TheEraOfAPost) {
  mcp::Dispatcher dispatcher(mcp::DispatchOptions{});
  auto eras = mcp::Eras::stateless(dispatcher, nullptr);
  const mcp::Json modern_meta{{"_meta", {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"}}}};
  EXPECT_EQ(era_for_post(eras, post({}), nullptr), &eras.legacy);
  EXPECT_EQ(era_for_post(eras, post({{"MCP-Protocol-Version", "2025-06-18"}}), nullptr), &eras.legacy);
  EXPECT_EQ(era_for_post(eras, post({{"MCP-Protocol-Version", "2026-07-28"}}), nullptr), &eras.modern);
  EXPECT_EQ(era_for_post(eras, post({}), modern_meta), &eras.modern);
  EXPECT_EQ(era_for_post(eras, post({{"MCP-Protocol-Version", "1999-01-01"}}), nullptr), nullptr);  // 400
  EXPECT_TRUE(eras.modern.reads_headers());
  EXPECT_FALSE(eras.legacy.reads_headers());
}

TEST(EraStatus, HeadersAsTheEraReadsThem) {
  const auto h = message_headers(post({{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", "tools/call"}}));
  EXPECT_EQ(h.version, "2026-07-28");
  EXPECT_EQ(h.method, "tools/call");
  EXPECT_FALSE(h.name.has_value());
}

}  // namespace
}  // namespace fini::http
