#include "common/form.hpp"

#include <gtest/gtest.h>

namespace fini {
namespace {

FormFields fields(std::initializer_list<std::pair<std::string, std::string>> list) { return FormFields(list); }

TEST(ParseForm, NamesAndValuesDecodedWithPlusAsSpace) {
  EXPECT_EQ(parse_form("grant_type=authorization_code&code=a%2Bb+c"),
            fields({{"grant_type", "authorization_code"}, {"code", "a+b c"}}));
  EXPECT_EQ(parse_form("my+name=x"), fields({{"my name", "x"}}));
}

TEST(ParseForm, KeepsEveryFieldInOrderRepeatsIncluded) {
  EXPECT_EQ(parse_form("a=1&b=2&a=3"), fields({{"a", "1"}, {"b", "2"}, {"a", "3"}}));
  EXPECT_EQ(parse_form("a=1&a=1"), fields({{"a", "1"}, {"a", "1"}}));  // identical repeats too
  const auto form = parse_form("a=1&b=2&a=3");
  EXPECT_EQ(first_field(*form, "a"), "1");
  EXPECT_EQ(first_field(*form, "b"), "2");
  EXPECT_EQ(first_field(*form, "c"), std::nullopt);
}

TEST(ParseForm, EmptyValuesAndMissingEquals) {
  EXPECT_EQ(parse_form("a=&b"), fields({{"a", ""}, {"b", ""}}));
  EXPECT_EQ(parse_form("=v"), fields({{"", "v"}}));
  EXPECT_EQ(parse_form(""), fields({}));
  EXPECT_EQ(parse_form("&&a=1&&"), fields({{"a", "1"}}));  // empty pieces skipped
  EXPECT_EQ(first_field(*parse_form("a="), "a"), "");      // present but empty, not absent
}

TEST(ParseForm, AnEqualsSignInAValueIsKept) {
  EXPECT_EQ(parse_form("state=a=b==&x=%3D"), fields({{"state", "a=b=="}, {"x", "="}}));
}

TEST(ParseForm, MultibyteUtf8) {
  EXPECT_EQ(parse_form("n%C3%A4me=caf%C3%A9+%E2%82%AC&raw=é"), fields({{"näme", "café €"}, {"raw", "é"}}));
}

TEST(ParseForm, AMalformedEscapeAnywhereRefusesTheWholeForm) {
  for (const char* bad : {"a=%zz", "a=1&b=%4", "%=1", "a%=1", "a=1&b=2%", "a=%u00e9"}) {
    EXPECT_EQ(parse_form(bad), std::nullopt) << bad;
  }
}

TEST(ParseForm, NothingIsTrimmed) { EXPECT_EQ(parse_form(" a = b "), fields({{" a ", " b "}})); }

}  // namespace
}  // namespace fini
