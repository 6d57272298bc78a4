// Key format checks and config placeholders.
#include <gtest/gtest.h>

#include "credentials/key_format.hpp"

namespace fini::credentials {
namespace {

TEST(KeyFormat, AcceptsPlausibleKeys) {
  EXPECT_TRUE(check_key_format("fini_sandbox_acme_rw_1d9a7e3c52").ok());
  EXPECT_TRUE(check_key_format("fini_AbC-123_xyz-7890").ok());
}

TEST(KeyFormat, SaysWhichRuleFailedWithoutQuotingTheKey) {
  EXPECT_EQ(check_key_format("").message(), "no key was given");
  EXPECT_EQ(check_key_format("sk_live_1234567890abcdef").message(),
            "that is not a Fini API key: Fini keys start with \"fini_\" (copy it from the Fini dashboard, "
            "Deploy → API Keys)");
  EXPECT_EQ(check_key_format("fini_abc def 1234567890").message(),
            "that is not a Fini API key: it contains characters other than letters, digits, '_' and '-' (check "
            "that it was copied completely and without extra text)");
  EXPECT_EQ(check_key_format("fini_abc123").message(),
            "that is not a Fini API key: it is too short (11 characters; was it copied completely?)");
  EXPECT_EQ(check_key_format("fini_" + std::string(300, 'a')).message(),
            "that is not a Fini API key: it is too long (305 characters)");
  EXPECT_EQ(check_key_format("fini_\xc3\xa9t\xc3\xa9_1234567890").code(), Code::kInvalidArgument);
}

TEST(KeyFormat, RecognizesUnexpandedPlaceholdersAndEncryptedBlobs) {
  EXPECT_EQ(*config_problem("${user_config.api_key}"),
            "the API key setting still holds an unexpanded placeholder (like ${user_config.api_key}); enter the "
            "key in the extension or plugin settings, or set FINI_API_KEY");
  EXPECT_EQ(*config_problem("__encrypted__:AAAAbase64=="),
            "the API key setting holds an encrypted value the client did not decrypt; re-enter the key in the "
            "extension settings, or set FINI_API_KEY");
  EXPECT_FALSE(config_problem("fini_sandbox_acme_rw_1d9a7e3c52").has_value());
}

TEST(KeyFormat, TrimRemovesPasteDebris) {
  EXPECT_EQ(trim("  fini_x\r\n"), "fini_x");
  EXPECT_EQ(trim("\t\n "), "");
}

}  // namespace
}  // namespace fini::credentials
