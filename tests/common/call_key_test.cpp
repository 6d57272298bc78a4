// CallKey can be compared, hashed into an identity and sent, but never printed by accident:
// every way C++ code here could turn it into text either does not compile (checked below with
// static_assert) or shows no key.
#include <gtest/gtest.h>

#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/call_key.hpp"
#include "common/hex.hpp"

namespace fini {
namespace {

template <class T, class = void>
struct Streamable : std::false_type {};
template <class T>
struct Streamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<const T&>())>>
    : std::true_type {};

template <class T, class = void>
struct Appendable : std::false_type {};
template <class T>
struct Appendable<T, std::void_t<decltype(std::declval<std::string&>() += std::declval<const T&>())>> : std::true_type {
};

// No road from a CallKey to text except reveal().
static_assert(!std::is_convertible_v<CallKey, std::string>);
static_assert(!std::is_convertible_v<CallKey, std::string_view>);
static_assert(!std::is_convertible_v<CallKey, const char*>);
static_assert(!std::is_constructible_v<std::string, CallKey>);
static_assert(!std::is_constructible_v<std::string_view, CallKey>);
static_assert(!Streamable<CallKey>::value, "no operator<< (logs, gtest, ostringstream)");
static_assert(!Appendable<CallKey>::value);
static_assert(!fmt::is_formattable<CallKey>::value, "no fmt/spdlog formatter");
static_assert(!std::is_constructible_v<nlohmann::json, CallKey>, "no to_json: it never lands in a reply");
// A string never becomes a key by accident either, and "is there a key" is asked explicitly.
static_assert(!std::is_convertible_v<std::string, CallKey>);
static_assert(!std::is_convertible_v<CallKey, bool>);

// Long enough to live on the heap in a std::string, and one short enough for its inline buffer:
// neither may show in a raw-byte dump of the object.
const std::string kLong = "fini_sandbox_acme_rw_1d9a7e3c52";
const std::string kShort = "fini_ab";

TEST(CallKey, NoneUnlessAKeyCameWithTheCall) {
  EXPECT_FALSE(CallKey().present());
  EXPECT_FALSE(CallKey(""));
  EXPECT_TRUE(CallKey(kLong).present());
  EXPECT_EQ(CallKey().reveal(), "");
  EXPECT_EQ(CallKey().identity(), "");
}

TEST(CallKey, RevealsTheKeyOnlyWhenAsked) {
  EXPECT_EQ(CallKey(kLong).reveal(), kLong);
  const CallKey original(kLong);
  const CallKey copy = original;  // copies share one string
  EXPECT_EQ(&copy.reveal(), &original.reveal());
}

TEST(CallKey, IdentityIsTheKeysDigestAndNotTheKey) {
  const CallKey key(kLong);
  EXPECT_EQ(key.identity(), sha256_hex(kLong));
  EXPECT_EQ(&key.identity(), &key.identity());  // hashed once
  EXPECT_EQ(key.identity().find("fini_"), std::string::npos);
  EXPECT_NE(CallKey("fini_other_0000000000").identity(), key.identity());
}

TEST(CallKey, EqualMeansTheSameCaller) {
  EXPECT_EQ(CallKey(kLong), CallKey(kLong));
  EXPECT_EQ(CallKey(), CallKey(""));
  EXPECT_NE(CallKey(kLong), CallKey());
  EXPECT_NE(CallKey(kLong), CallKey(kLong + "x"));
  EXPECT_NE(CallKey(kShort), CallKey("fini_ac"));
}

// gtest prints an operand of a failed EXPECT_EQ through PrintTo, falling back to the object's
// bytes for a type without operator<<: those bytes must not hold the key (or its hex form).
TEST(CallKey, AFailedAssertionPrintsNoKey) {
  for (const std::string& k : {kLong, kShort}) {
    const std::string printed = ::testing::PrintToString(CallKey(k));
    EXPECT_EQ(printed.find("fini_"), std::string::npos) << "printed form leaks the key";
    std::string digits;  // gtest shows bytes as "66-69 6E-69": compare the bare digits
    for (char c : printed) {
      if (c != '-' && c != ' ') digits += c;
    }
    EXPECT_EQ(digits.find("66696E695F") /* "fini_" */, std::string::npos) << "printed bytes hold the key: " << printed;
    EXPECT_EQ(printed.find(sha256_hex(k)), std::string::npos);
  }
}

}  // namespace
}  // namespace fini
