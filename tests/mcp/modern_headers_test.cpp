// The 2026-07-28 Streamable HTTP header rules (mcp/modern_headers), checked in the revision's order
// against the _meta the modern era reads once.
#include "mcp/modern_headers.hpp"

#include <gtest/gtest.h>

namespace fini::mcp::modern {
namespace {

using Json = jsonrpc::Json;

Json meta(const std::string& version = "2026-07-28") {
  return Json{{"io.modelcontextprotocol/protocolVersion", version},
              {"io.modelcontextprotocol/clientCapabilities", Json::object()}};
}

jsonrpc::Request call(Json params) { return jsonrpc::Request{7, "tools/call", std::move(params)}; }

std::optional<jsonrpc::Error> check(const MessageHeaders& headers, const jsonrpc::Request& request) {
  return check_headers(headers, request, read_meta(request.params));
}

TEST(ModernHeaders, HeaderChecksInOrder) {
  const Json good{{"name", "list_agents"}, {"_meta", meta()}};
  MessageHeaders h{std::string("2026-07-28"), std::string("tools/call"), std::string("list_agents")};
  EXPECT_FALSE(check(h, call(good)));
  EXPECT_EQ(check(MessageHeaders{std::nullopt, h.method, h.name}, call(good))->code, -32020);
  EXPECT_EQ(check(MessageHeaders{h.version, std::nullopt, h.name}, call(good))->code, -32020);
  EXPECT_EQ(check(h, call(Json{{"name", "list_agents"}}))->code, -32602);  // no _meta
  // header ≠ _meta beats the unsupported version
  EXPECT_EQ(check(h, call(Json{{"name", "list_agents"}, {"_meta", meta("v999.0.0")}}))->code, -32020);
  MessageHeaders v999{std::string("v999.0.0"), h.method, h.name};
  EXPECT_EQ(check(v999, call(Json{{"name", "list_agents"}, {"_meta", meta("v999.0.0")}}))->code, -32022);
  EXPECT_EQ(check(MessageHeaders{h.version, std::string("tools/list"), h.name}, call(good))->code, -32020);
  EXPECT_EQ(check(MessageHeaders{h.version, h.method, std::nullopt}, call(good))->code, -32020);
  EXPECT_EQ(check(MessageHeaders{h.version, h.method, std::string("delete_agent")}, call(good))->code, -32020);
  // base64 sentinel: decoded before comparing
  EXPECT_FALSE(check(MessageHeaders{h.version, h.method, std::string("=?base64?bGlzdF9hZ2VudHM=?=")}, call(good)));
}

TEST(ModernHeaders, DecodesTheBase64Sentinel) {
  EXPECT_EQ(decode_header_value("plain"), "plain");
  EXPECT_EQ(decode_header_value("=?base64?SGVsbG8sIOS4lueVjA==?="), "Hello, \xE4\xB8\x96\xE7\x95\x8C");
  EXPECT_EQ(decode_header_value("=?base64?IHBhZGRlZCA=?="), " padded ");
  EXPECT_FALSE(decode_header_value("=?base64?***?="));
}

}  // namespace
}  // namespace fini::mcp::modern
