#include <gtest/gtest.h>

#include "common/safe_json.hpp"
#include "jsonrpc/message.hpp"

namespace fini::jsonrpc {
namespace {

Invalid expect_invalid(std::string_view line) {
  auto m = parse_line(line);
  EXPECT_TRUE(std::holds_alternative<Invalid>(m)) << line;
  return std::holds_alternative<Invalid>(m) ? std::get<Invalid>(m) : Invalid{};
}

TEST(JsonRpcParse, UnparseableLineIsParseErrorWithNullId) {
  auto e = expect_invalid("this is not json");
  EXPECT_EQ(e.error.code, kParseError);
  EXPECT_EQ(e.error.message, "Parse error");
  EXPECT_TRUE(e.id.is_null());
  EXPECT_EQ(expect_invalid("{\"jsonrpc\":\"2.0\",").error.code, kParseError);
}

TEST(JsonRpcParse, InvalidUtf8IsParseError) {
  std::string line = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"\xff\xfe\"}}";
  auto e = expect_invalid(line);
  EXPECT_EQ(e.error.code, kParseError);
  EXPECT_TRUE(e.id.is_null());
}

TEST(JsonRpcParse, NotARequestIsInvalidRequest) {
  struct Case {
    const char* line;
    const char* message;
    bool id_echoed;
  };
  const Case cases[] = {
      {R"({"id":1,"method":"ping"})", "Invalid Request: \"jsonrpc\" must be \"2.0\"", true},
      {R"({"jsonrpc":"1.0","id":1,"method":"ping"})", "Invalid Request: \"jsonrpc\" must be \"2.0\"", true},
      {R"({"jsonrpc":"2.0","id":null,"method":"ping"})",
       "Invalid Request: \"id\" must be a string or an integer (at most 64 bits)", false},
      {R"({"jsonrpc":"2.0","id":true,"method":"ping"})",
       "Invalid Request: \"id\" must be a string or an integer (at most 64 bits)", false},
      {R"({"jsonrpc":"2.0","id":{"a":1},"method":"ping"})",
       "Invalid Request: \"id\" must be a string or an integer (at most 64 bits)", false},
      {R"({"jsonrpc":"2.0","id":[1],"method":"ping"})",
       "Invalid Request: \"id\" must be a string or an integer (at most 64 bits)", false},
      {R"({"jsonrpc":"2.0","id":7,"method":42})", "Invalid Request: \"method\" must be a string", true},
      {R"({"jsonrpc":"2.0","id":7})", "Invalid Request: missing \"method\"", true},
      {R"({"jsonrpc":"2.0","id":7,"method":"x","params":3})", "Invalid Request: \"params\" must be an object or array",
       true},
      {R"("hello")", "Invalid Request: message must be a JSON object", false},
      {R"(42)", "Invalid Request: message must be a JSON object", false},
  };
  for (const auto& c : cases) {
    auto e = expect_invalid(c.line);
    EXPECT_EQ(e.error.code, kInvalidRequest) << c.line;
    EXPECT_EQ(e.error.message, c.message) << c.line;
    EXPECT_EQ(e.id.is_null(), !c.id_echoed) << c.line;
  }
}

TEST(JsonRpcParse, IdsKeepTheirType) {
  auto a = std::get<Request>(parse_line(R"({"jsonrpc":"2.0","id":1,"method":"ping"})"));
  auto b = std::get<Request>(parse_line(R"({"jsonrpc":"2.0","id":"1","method":"ping"})"));
  EXPECT_TRUE(a.id.is_number_integer());
  EXPECT_TRUE(b.id.is_string());
  EXPECT_NE(a.id, b.id);
  EXPECT_EQ(serialize(make_result(a.id, Json::object())), R"({"id":1,"jsonrpc":"2.0","result":{}})");
  EXPECT_EQ(serialize(make_result(b.id, Json::object())), R"({"id":"1","jsonrpc":"2.0","result":{}})");
}

TEST(JsonRpcParse, CrLfTolerated) {
  auto m = parse_line("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}\r");
  ASSERT_TRUE(std::holds_alternative<Request>(m));
  EXPECT_EQ(std::get<Request>(m).method, "ping");
}

TEST(JsonRpcParse, NotificationAndResponseAndBatch) {
  EXPECT_TRUE(
      std::holds_alternative<Notification>(parse_line(R"({"jsonrpc":"2.0","method":"notifications/initialized"})")));
  auto r = parse_line(R"({"jsonrpc":"2.0","id":"fini-1","result":{"action":"accept"}})");
  ASSERT_TRUE(std::holds_alternative<Response>(r));
  EXPECT_EQ(std::get<Response>(r).result->at("action"), "accept");
  auto e = parse_line(R"({"jsonrpc":"2.0","id":"fini-2","error":{"code":-32601,"message":"nope"}})");
  ASSERT_TRUE(std::holds_alternative<Response>(e));
  EXPECT_EQ(std::get<Response>(e).error->code, -32601);
  EXPECT_TRUE(std::holds_alternative<Batch>(parse_line(R"([{"jsonrpc":"2.0","method":"x"}])")));
}

TEST(JsonRpcSerialize, InvalidUtf8FromUpstreamDoesNotThrow) {
  Json j{{"text", std::string("bad \xff byte")}};
  std::string out;
  EXPECT_NO_THROW(out = serialize(j));
  EXPECT_EQ(out.find('\n'), std::string::npos);
}

TEST(JsonRpcParse, FloatAndOverlongIdsAreRefusedNotChanged) {
  for (const char* line :
       {R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})", R"({"jsonrpc":"2.0","id":1.0,"method":"ping"})",
        R"({"jsonrpc":"2.0","id":18446744073709551616,"method":"ping"})"}) {
    auto e = expect_invalid(line);
    EXPECT_EQ(e.error.code, kInvalidRequest) << line;
    EXPECT_EQ(e.error.message, "Invalid Request: \"id\" must be a string or an integer (at most 64 bits)") << line;
  }
  // The largest 64-bit ids come back exactly.
  auto max = std::get<Request>(parse_line(R"({"jsonrpc":"2.0","id":18446744073709551615,"method":"ping"})"));
  EXPECT_EQ(serialize(make_result(max.id, Json::object())),
            R"({"id":18446744073709551615,"jsonrpc":"2.0","result":{}})");
  auto min = std::get<Request>(parse_line(R"({"jsonrpc":"2.0","id":-9223372036854775808,"method":"ping"})"));
  EXPECT_EQ(serialize(make_result(min.id, Json::object())),
            R"({"id":-9223372036854775808,"jsonrpc":"2.0","result":{}})");
}

std::string nested(std::size_t depth, const std::string& open, const std::string& close) {
  std::string out;
  out.reserve(depth * (open.size() + close.size()) + 1);
  for (std::size_t i = 0; i < depth; ++i) out += open;
  out += "1";
  for (std::size_t i = 0; i < depth; ++i) out += close;
  return out;
}

TEST(JsonRpcParse, DeepNestingIsAParseErrorAtEveryDepthAndPosition) {
  for (std::size_t depth : {1000u, 50000u, 500000u}) {
    const std::string arrays = nested(depth, "[", "]");
    const std::string objects = nested(depth, "{\"a\":", "}");
    const std::string lines[] = {
        R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":)" + arrays + "}}",
        R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":)" + arrays + "}}",
        R"({"jsonrpc":"2.0","id":)" + objects + R"(,"method":"ping"})",
        R"({"jsonrpc":"2.0","id":2,"result":)" + objects + "}",
        arrays,
        // Unterminated: still refused by depth, not by a recursive parse.
        std::string(depth, '['),
    };
    for (const auto& line : lines) {
      auto e = expect_invalid(line);
      EXPECT_EQ(e.error.code, kParseError);
      EXPECT_EQ(e.error.message, "Parse error: nesting deeper than 128 levels");
      EXPECT_TRUE(e.id.is_null());
    }
  }
}

TEST(JsonRpcParse, NestingUpToTheLimitIsAccepted) {
  // 126 levels inside params (+ the message object and params object) = 128.
  const std::string line = R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":)" + nested(126, "[", "]") + "}}";
  EXPECT_TRUE(std::holds_alternative<Request>(parse_line(line)));
  const std::string over = R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":)" + nested(127, "[", "]") + "}}";
  EXPECT_EQ(expect_invalid(over).error.code, kParseError);
}

TEST(SafeJson, DepthScanSkipsBracketsInStrings) {
  EXPECT_EQ(json_depth(R"({"a":"[[[[{{{{\"]]]"})"), 1u);
  EXPECT_EQ(json_depth("[[1],[2,[3]]]"), 3u);
  EXPECT_EQ(json_depth(std::string(1000, '['), 128), 129u);
  EXPECT_TRUE(parse_json_safely("[1,2").error.has_value());
  EXPECT_FALSE(parse_json_safely("[1,2]").error.has_value());
}

}  // namespace
}  // namespace fini::jsonrpc
