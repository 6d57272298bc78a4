// Pure checks of the HTTP edge: request framing headers, the access log's method, trusted
// proxies, and the element budget of a message's JSON.

#include "http/framing.hpp"

#include <gtest/gtest.h>

#include "common/safe_json.hpp"
#include "http/trusted_proxies.hpp"

namespace fini::http {
namespace {

httplib::Headers headers(std::initializer_list<std::pair<std::string, std::string>> list) {
  httplib::Headers h;
  for (const auto& [k, v] : list) h.emplace(k, v);
  return h;
}

TEST(FramingCheck, OneLengthOrChunkedOnly) {
  auto ok = check_framing(headers({{"Content-Length", "12"}}));
  ASSERT_TRUE(ok.framing);
  EXPECT_EQ(ok.framing->length, 12u);
  EXPECT_FALSE(ok.framing->chunked);
  EXPECT_TRUE(check_framing(headers({{"Content-Length", "12"}, {"content-length", "12"}})).framing);  // same value
  EXPECT_TRUE(check_framing(headers({{"Transfer-Encoding", "Chunked"}})).framing->chunked);
  EXPECT_EQ(check_framing(headers({})).framing->length, 0u);
}

TEST(FramingCheck, AmbiguousFramingIsRefused) {
  EXPECT_EQ(check_framing(headers({{"Content-Length", "12"}, {"Content-Length", "13"}})).refusal,
            "Bad Request: conflicting Content-Length values.");
  EXPECT_FALSE(check_framing(headers({{"Content-Length", "12"}, {"Transfer-Encoding", "chunked"}})).framing);
  EXPECT_FALSE(check_framing(headers({{"Transfer-Encoding", "gzip, chunked"}})).framing);
  EXPECT_FALSE(check_framing(headers({{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}})).framing);
  EXPECT_FALSE(check_framing(headers({{"Content-Length", "-1"}})).framing);
  EXPECT_FALSE(check_framing(headers({{"Content-Length", "1e3"}})).framing);
  EXPECT_EQ(check_framing(headers({{"Authorization", "Bearer a"}, {"authorization", "Bearer b"}})).refusal,
            "Bad Request: more than one Authorization header.");
}

TEST(FramingCheck, LogShowsOnlyKnownMethods) {
  EXPECT_EQ(loggable_method("POST"), "POST");
  EXPECT_EQ(loggable_method("fini_AbCdEf0123456789xyz"), "INVALID");
  EXPECT_EQ(loggable_method("post"), "INVALID");
  EXPECT_EQ(loggable_method(""), "INVALID");
}

TEST(TrustedProxies, AddressesAndRanges) {
  ASSERT_TRUE(set_trusted_proxies({"10.1.0.0/16", "192.0.2.7", "2001:db8::/32"}).ok());
  EXPECT_TRUE(is_trusted_proxy("10.1.200.3"));
  EXPECT_FALSE(is_trusted_proxy("10.2.0.1"));
  EXPECT_TRUE(is_trusted_proxy("192.0.2.7"));
  EXPECT_FALSE(is_trusted_proxy("192.0.2.8"));
  EXPECT_TRUE(is_trusted_proxy("2001:db8:1::5"));
  EXPECT_FALSE(is_trusted_proxy("127.0.0.1"));
  EXPECT_FALSE(is_trusted_proxy("not an address"));
  EXPECT_FALSE(set_trusted_proxies({"10.0.0.0/33"}).ok());
  EXPECT_FALSE(set_trusted_proxies({"example.com"}).ok());
  ASSERT_TRUE(set_trusted_proxies({"none"}).ok());
  EXPECT_FALSE(is_trusted_proxy("10.1.200.3"));
}

TEST(MessageBudget, ElementsCountedWithoutBuildingAnything) {
  EXPECT_EQ(json_elements(R"({"a":[1,2,"x,y:z"]})", 100), 6u);  // upper bound; strings skipped
  std::string flat = "[";
  for (int i = 0; i < 200000; ++i) flat += "0,";
  flat += "0]";
  EXPECT_EQ(json_elements(flat, kMaxMessageElements), kMaxMessageElements + 1);
  const SafeParse parsed = parse_json_safely(flat, kMaxJsonDepth, kMaxMessageElements);
  ASSERT_TRUE(parsed.error);
  EXPECT_EQ(*parsed.error, "more than 100000 values");
  EXPECT_FALSE(parse_json_safely(flat).error);  // no budget unless asked (Fini's own bodies)
}

}  // namespace
}  // namespace fini::http
