#include "common/percent.hpp"

#include <gtest/gtest.h>

namespace fini {
namespace {

TEST(PercentDecode, DecodesEscapesOfEitherCase) {
  EXPECT_EQ(percent_decode("a%20b%2fc%2F"), "a b/c/");
  EXPECT_EQ(percent_decode(""), "");
  EXPECT_EQ(percent_decode("%00"), std::string(1, '\0'));
  EXPECT_EQ(percent_decode("%ff"), std::string(1, '\xff'));
}

TEST(PercentDecode, PlusIsASpaceOnlyWhenAsked) {
  EXPECT_EQ(percent_decode("a+b%2B"), "a+b+");
  EXPECT_EQ(percent_decode("a+b%2B", Plus::kSpace), "a b+");
}

TEST(PercentDecode, MultibyteUtf8StaysUtf8) {
  EXPECT_EQ(percent_decode("caf%C3%A9%20%E2%82%AC%F0%9F%98%80"), "café €😀");
  EXPECT_EQ(percent_decode("café"), "café");  // raw UTF-8 passes through
}

TEST(PercentDecode, RefusesEveryMalformedEscape) {
  for (const char* bad : {"%", "%4", "a%", "%zz", "%4g", "%g4", "%%41", "ok%2", "%u00e9", "%-1", "% 41"}) {
    EXPECT_EQ(percent_decode(bad), std::nullopt) << bad;
    EXPECT_EQ(percent_decode(bad, Plus::kSpace), std::nullopt) << bad;
  }
  EXPECT_EQ(percent_decode("%2541"), "%41");  // decoded once, never twice
}

}  // namespace
}  // namespace fini
