// The 2026-07-28 Streamable HTTP header rules, checked in the revision's order.
#include <gtest/gtest.h>

#include "http/modern_http.hpp"

namespace fini::http {
namespace {

using Json = jsonrpc::Json;

Json meta(const std::string& version = "2026-07-28") {
  return Json{{"io.modelcontextprotocol/protocolVersion", version},
              {"io.modelcontextprotocol/clientCapabilities", Json::object()}};
}

jsonrpc::Request call(Json params) { return jsonrpc::Request{7, "tools/call", std::move(params)}; }

TEST(ModernHttp, WhichPostsAreModern) {
  EXPECT_TRUE(is_modern_post(std::string("2026-07-28"), Json::object()));
  EXPECT_TRUE(is_modern_post(std::string("v999.0.0"), Json{{"_meta", meta("v999.0.0")}}));
  EXPECT_TRUE(is_modern_post(std::nullopt, Json{{"_meta", meta()}}));
  EXPECT_FALSE(is_modern_post(std::string("2025-11-25"), Json{{"protocolVersion", "2025-11-25"}}));
  EXPECT_FALSE(is_modern_post(std::string("1999-01-01"), nullptr));  // legacy path: 400 there
}

TEST(ModernHttp, HeaderChecksInOrder) {
  const Json good{{"name", "list_agents"}, {"_meta", meta()}};
  ModernHeaders h{std::string("2026-07-28"), std::string("tools/call"), std::string("list_agents")};
  EXPECT_FALSE(check_modern_headers(h, call(good)));
  EXPECT_EQ(check_modern_headers(ModernHeaders{std::nullopt, h.method, h.name}, call(good))->code, -32020);
  EXPECT_EQ(check_modern_headers(ModernHeaders{h.version, std::nullopt, h.name}, call(good))->code, -32020);
  EXPECT_EQ(check_modern_headers(h, call(Json{{"name", "list_agents"}}))->code, -32602);  // no _meta
  // header ≠ _meta beats the unsupported version
  EXPECT_EQ(check_modern_headers(h, call(Json{{"name", "list_agents"}, {"_meta", meta("v999.0.0")}}))->code, -32020);
  ModernHeaders v999{std::string("v999.0.0"), h.method, h.name};
  EXPECT_EQ(check_modern_headers(v999, call(Json{{"name", "list_agents"}, {"_meta", meta("v999.0.0")}}))->code, -32022);
  EXPECT_EQ(check_modern_headers(ModernHeaders{h.version, std::string("tools/list"), h.name}, call(good))->code,
            -32020);
  EXPECT_EQ(check_modern_headers(ModernHeaders{h.version, h.method, std::nullopt}, call(good))->code, -32020);
  EXPECT_EQ(check_modern_headers(ModernHeaders{h.version, h.method, std::string("delete_agent")}, call(good))->code,
            -32020);
  // base64 sentinel: decoded before comparing
  EXPECT_FALSE(
      check_modern_headers(ModernHeaders{h.version, h.method, std::string("=?base64?bGlzdF9hZ2VudHM=?=")}, call(good)));
}

TEST(ModernHttp, DecodesTheBase64Sentinel) {
  EXPECT_EQ(decode_header_value("plain"), "plain");
  EXPECT_EQ(decode_header_value("=?base64?SGVsbG8sIOS4lueVjA==?="), "Hello, \xE4\xB8\x96\xE7\x95\x8C");
  EXPECT_EQ(decode_header_value("=?base64?IHBhZGRlZCA=?="), " padded ");
  EXPECT_FALSE(decode_header_value("=?base64?***?="));
}

}  // namespace
}  // namespace fini::http
