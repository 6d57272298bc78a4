#include <gtest/gtest.h>

#include <string>

#include "common/text.hpp"

namespace fini {
namespace {

TEST(Text, TrimRemovesCLocaleWhitespaceByDefault) {
  EXPECT_EQ(trim("  fini_x\r\n"), "fini_x");
  EXPECT_EQ(trim("\t\n\v\f\r "), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("a b"), "a b");
  EXPECT_EQ(trim(" \xc2\xa0x"), "\xc2\xa0x");  // UTF-8 no-break space is not ASCII whitespace
}

TEST(Text, TrimWithHttpWhitespaceKeepsLineBreaks) {
  EXPECT_EQ(trim(" \tgzip\t ", kHttpWhitespace), "gzip");
  EXPECT_EQ(trim("\r\nv\r\n", kHttpWhitespace), "\r\nv\r\n");
}

TEST(Text, TrimWithOwnCharacterSet) {
  EXPECT_EQ(trim("\r name \t", " \t\r"), "name");
  EXPECT_EQ(trim("xxaxx", "x"), "a");
}

TEST(Text, TrimReturnsAViewIntoTheInput) {
  const std::string s = "  ab  ";
  const std::string_view v = trim(s);
  EXPECT_EQ(v.data(), s.data() + 2);
  EXPECT_EQ(v.size(), 2u);
}

TEST(Text, ToLowerChangesAsciiLettersOnly) {
  EXPECT_EQ(to_lower("Content-Type: Application/JSON"), "content-type: application/json");
  EXPECT_EQ(to_lower("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");  // UTF-8 bytes untouched
  EXPECT_EQ(to_lower("0-9@[`{"), "0-9@[`{");
  EXPECT_EQ(ascii_lower('Z'), 'z');
  EXPECT_EQ(ascii_lower('z'), 'z');
  EXPECT_EQ(ascii_lower('@'), '@');
}

}  // namespace
}  // namespace fini
