#include "rest/encoding.hpp"

#include <gtest/gtest.h>

namespace fini::rest {
namespace {

TEST(PercentEncode, SegmentTable) {
  const std::pair<std::string, std::string> cases[] = {
      {"bot_123-abc.v2~x", "bot_123-abc.v2~x"},
      {"../../bots/public", "..%2F..%2Fbots%2Fpublic"},
      {"a/b?c#d", "a%2Fb%3Fc%23d"},
      {"line\r\nX-Injected: 1", "line%0D%0AX-Injected%3A%201"},
      {"100%", "100%25"},
      {"%2F", "%252F"},
      {"a b+c&d=e", "a%20b%2Bc%26d%3De"},
      {"caf\xC3\xA9 \xE2\x9C\x93", "caf%C3%A9%20%E2%9C%93"},
      {".", "%2E"},
      {"..", "%2E%2E"},
      {"...", "..."},
      {".hidden", ".hidden"},
      {"", ""},
      {std::string("nul\0byte", 8), "nul%00byte"},
  };
  for (const auto& [raw, encoded] : cases) {
    SCOPED_TRACE(raw);
    EXPECT_EQ(percent_encode_segment(raw), encoded);
  }
}

TEST(PercentEncode, QueryTable) {
  const std::pair<std::string, std::string> cases[] = {
      {"2024-01-01T00:00:00Z", "2024-01-01T00%3A00%3A00Z"},
      {"a b", "a%20b"},
      {"a+b", "a%2Bb"},
      {"x&y=z", "x%26y%3Dz"},
      {"..", ".."},
      {"\xC3\xA9", "%C3%A9"},
      {"", ""},
  };
  for (const auto& [raw, encoded] : cases) {
    SCOPED_TRACE(raw);
    EXPECT_EQ(percent_encode_query(raw), encoded);
  }
}

TEST(PercentEncode, QueryStringKeepsOrderAndRepeatedKeys) {
  EXPECT_EQ(encode_query_string({}), "");
  EXPECT_EQ(encode_query_string({{"tags", "a"}, {"tags", "b c"}, {"limit", "10"}, {"q", ""}}),
            "tags=a&tags=b%20c&limit=10&q=");
}

}  // namespace
}  // namespace fini::rest
