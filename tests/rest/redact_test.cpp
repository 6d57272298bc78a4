#include "common/redact.hpp"

#include <gtest/gtest.h>

namespace fini::rest {
namespace {

constexpr const char* kKey = "fini_Ab3dEf6hIj9kLmN0pQrS";  // 20 characters after the prefix

TEST(Redact, MasksTheSecretEverywhere) {
  EXPECT_EQ(redact(std::string("key=") + kKey + " again " + kKey, kKey), "key=fini_\u2026pQrS again fini_\u2026pQrS");
}

TEST(Redact, MasksSecretsThatDoNotLookLikeKeys) {
  EXPECT_EQ(redact("token is hunter2!", "hunter2"), "token is fini_\u2026!");
}

TEST(Redact, MasksBearerCredentialsCaseInsensitively) {
  EXPECT_EQ(redact("Authorization: Bearer abcdefghijklmnop1234"), "Authorization: Bearer fini_\u20261234");
  EXPECT_EQ(redact("authorization: bearer short"), "authorization: bearer fini_\u2026");
  EXPECT_EQ(redact("{\"h\":\"Bearer xyz\"}"), "{\"h\":\"Bearer fini_\u2026\"}");
}

TEST(Redact, MasksKeyShapedWordsWithoutTheSecret) {
  EXPECT_EQ(redact(std::string("leaked ") + kKey + "."), "leaked fini_\u2026pQrS.");
}

TEST(Redact, LeavesOrdinaryTextAndToolNamesAlone) {
  const std::string text = "call fini_list_conversation_tags via fini-mcp; fini_ alone; Bearer";
  EXPECT_EQ(redact(text), text);
  EXPECT_EQ(redact(text, ""), text);
}

TEST(Redact, IsIdempotent) {
  const std::string once = redact(std::string("Bearer ") + kKey, kKey);
  EXPECT_EQ(once, "Bearer fini_\u2026pQrS");
  EXPECT_EQ(redact(once, kKey), once);
}

TEST(Redact, MaskShowsTailOnlyForLongTokens) {
  EXPECT_EQ(mask_token("fini_0123456789ab"), "fini_\u202689ab");
  EXPECT_EQ(mask_token("fini_0123456789"), "fini_\u2026");
}

}  // namespace
}  // namespace fini::rest
