#include <gtest/gtest.h>

#include <string>

#include "common/crypto.hpp"
#include "common/hex.hpp"

namespace fini {
namespace {

TEST(Hex, EncodesEveryByteAsTwoLowerCaseDigits) {
  EXPECT_EQ(hex_encode(""), "");
  EXPECT_EQ(hex_encode(std::string("\x00\x01\x7f\x80\xab\xff", 6)), "00017f80abff");
}

TEST(Hex, StopsAtMaxCharsForShortFingerprints) {
  const std::string bytes("\x12\x34\x56\x78\x9a\xbc\xde\xf0", 8);
  EXPECT_EQ(hex_encode(bytes, 12), "123456789abc");
  EXPECT_EQ(hex_encode(bytes, 0), "");
  EXPECT_EQ(hex_encode(bytes, 100), "123456789abcdef0");
}

TEST(Hex, Sha256HexMatchesTheKnownDigest) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), hex_encode(sha256("abc")));
}

}  // namespace
}  // namespace fini
