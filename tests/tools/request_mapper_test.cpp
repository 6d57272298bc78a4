// map_request: a tool call's arguments become exactly the request its manifest declares. Path
// values must stay inside their own segment whatever they contain (a security property: an id
// must never walk to another route or add a query).
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "rest/encoding.hpp"
#include "tools/request_mapper.hpp"

namespace fini::tools {
namespace {

using nlohmann::json;
using Pairs = std::vector<std::pair<std::string, std::string>>;

// A manifest as the loader builds it: params from the input schema ("in", "wireName", "style").
Manifest manifest(std::string method, std::string path, const json& properties, bool read_only = true) {
  Manifest m;
  m.name = "t";
  m.request.method = std::move(method);
  m.request.path = std::move(path);
  m.annotations = json{{"readOnlyHint", read_only}};
  m.params = extract_params(json{{"type", "object"}, {"properties", properties}});
  return m;
}

const json kIdInPath = {{"botId", {{"type", "string"}, {"in", "path"}}}};

std::string mapped_path(const std::string& id) {
  auto req = map_request(manifest("GET", "/v2/bots/{botId}/public", kIdInPath), json{{"botId", id}});
  EXPECT_TRUE(req.ok()) << req.status().message();
  return req.ok() ? req->path : "";
}

TEST(RequestMapper, PlainIdFillsItsSegment) {
  EXPECT_EQ(mapped_path("bot_123-a.b~c"), "/v2/bots/bot_123-a.b~c/public");
}

TEST(RequestMapper, SlashDotsQueryFragmentAndPercentStayInOneSegment) {
  EXPECT_EQ(mapped_path("../admin"), "/v2/bots/..%2Fadmin/public");
  EXPECT_EQ(mapped_path(".."), "/v2/bots/%2E%2E/public");
  EXPECT_EQ(mapped_path("."), "/v2/bots/%2E/public");
  EXPECT_EQ(mapped_path("a/b"), "/v2/bots/a%2Fb/public");
  EXPECT_EQ(mapped_path("x?admin=1"), "/v2/bots/x%3Fadmin%3D1/public");
  EXPECT_EQ(mapped_path("x#frag"), "/v2/bots/x%23frag/public");
  EXPECT_EQ(mapped_path("100%25"), "/v2/bots/100%2525/public");  // no double-decoding downstream
  EXPECT_EQ(mapped_path("a b\r\nHost: evil"), "/v2/bots/a%20b%0D%0AHost%3A%20evil/public");
  EXPECT_EQ(mapped_path("\xC3\xA9"), "/v2/bots/%C3%A9/public");
}

TEST(RequestMapper, EveryPathValueHasNoSeparatorLeft) {
  for (const std::string id : {"../../x", "/", "?", "#", "%", "a/../b", "%2F", "..%2F"}) {
    const std::string path = mapped_path(id);
    const std::string segment = path.substr(std::string("/v2/bots/").size(), path.size() - 9 - 7);
    EXPECT_EQ(segment.find_first_of("/?#"), std::string::npos) << id << " -> " << path;
    EXPECT_NE(segment, "..") << id;
    EXPECT_TRUE(path.ends_with("/public")) << path;
  }
}

TEST(RequestMapper, EmptyOrMissingPathValueIsRefused) {
  const Manifest m = manifest("GET", "/v2/bots/{botId}/public", kIdInPath);
  EXPECT_EQ(map_request(m, json::object()).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(map_request(m, json{{"botId", ""}}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(map_request(m, json{{"botId", nullptr}}).status().code(), Code::kInvalidArgument);
}

TEST(RequestMapper, WireNameRenamesPathQueryAndBody) {
  const json props = {{"agentId", {{"type", "string"}, {"in", "path"}, {"wireName", "bot_id"}}},
                      {"pageSize", {{"type", "integer"}, {"wireName", "limit"}}},
                      {"newName", {{"type", "string"}, {"in", "body"}, {"wireName", "name"}}}};
  auto req = map_request(manifest("PATCH", "/v2/bots/{bot_id}", props, false),
                         json{{"agentId", "b1"}, {"pageSize", 5}, {"newName", "Ann"}});
  ASSERT_TRUE(req.ok()) << req.status().message();
  EXPECT_EQ(req->method, "PATCH");
  EXPECT_EQ(req->path, "/v2/bots/b1");
  EXPECT_EQ(req->query, (Pairs{{"limit", "5"}}));
  ASSERT_TRUE(req->body.has_value());
  EXPECT_EQ(json::parse(*req->body), (json{{"name", "Ann"}}));
  EXPECT_EQ(req->content_type, "application/json");
  EXPECT_FALSE(req->allow_in_read_only);
  EXPECT_TRUE(req->bearer_token.empty());  // the key is added later, never by the mapper
}

TEST(RequestMapper, QueryArraysBooleansAndSpecialCharacters) {
  const json props = {{"tags", {{"type", "array"}}},
                      {"ids", {{"type", "array"}, {"style", "csv"}}},
                      {"archived", {{"type", "boolean"}}},
                      {"q", {{"type", "string"}}},
                      {"absent", {{"type", "string"}}}};
  auto req = map_request(manifest("GET", "/v2/x", props), json{{"tags", {"a b", "c&d"}},
                                                               {"ids", {"1", "2,3"}},
                                                               {"archived", false},
                                                               {"q", "x=1&y=2#z?+%"},
                                                               {"absent", nullptr}});
  ASSERT_TRUE(req.ok()) << req.status().message();
  // params are sorted by name: archived, ids, q, tags
  EXPECT_EQ(req->query,
            (Pairs{{"archived", "false"}, {"ids", "1,2,3"}, {"q", "x=1&y=2#z?+%"}, {"tags", "a b"}, {"tags", "c&d"}}));
  EXPECT_EQ(rest::encode_query_string(req->query),
            "archived=false&ids=1%2C2%2C3&q=x%3D1%26y%3D2%23z%3F%2B%25&tags=a%20b&tags=c%26d");
  EXPECT_FALSE(req->body.has_value());
  EXPECT_TRUE(req->allow_in_read_only);
}

TEST(RequestMapper, NumbersAndBooleansKeepTheirJsonText) {
  const json props = {{"n", {{"type", "integer"}}}, {"f", {{"type", "number"}}}, {"b", {{"type", "boolean"}}}};
  auto req = map_request(manifest("GET", "/v2/x", props), json{{"n", 1700000000000LL}, {"f", 1.5}, {"b", true}});
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->query, (Pairs{{"b", "true"}, {"f", "1.5"}, {"n", "1700000000000"}}));
}

TEST(RequestMapper, FormPropertiesBecomeMultipartParts) {
  const json props = {
      {"file",
       {{"type", "string"}, {"in", "form"}, {"formFile", {{"filename", "data.csv"}, {"contentType", "text/csv"}}}}},
      {"label", {{"type", "string"}, {"in", "form"}}}};
  auto req = map_request(manifest("POST", "/v2/import", props, false), json{{"file", "a,b\n"}, {"label", "L"}});
  ASSERT_TRUE(req.ok()) << req.status().message();
  ASSERT_EQ(req->multipart.size(), 2u);
  EXPECT_EQ(req->multipart[0].name, "file");
  EXPECT_EQ(req->multipart[0].content, "a,b\n");
  EXPECT_EQ(req->multipart[0].filename, "data.csv");
  EXPECT_EQ(req->multipart[0].content_type, "text/csv");
  EXPECT_EQ(req->multipart[1].name, "label");
  EXPECT_TRUE(req->multipart[1].filename.empty());
  EXPECT_FALSE(req->body.has_value());
}

}  // namespace
}  // namespace fini::tools
