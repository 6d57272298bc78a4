// Redaction finds a key wherever it sits: at the start or end of a string, next to multi-byte
// UTF-8, in an object key, after "Bearer" in any case; and the fast path (strings that cannot
// hold a key are not rewritten) masks exactly what a plain left-to-right scan masks.
#include "common/redact.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <string>
#include <vector>

namespace fini {
namespace {

using nlohmann::json;

constexpr const char* kKey = "fini_Ab3dEf6hIj9kLmN0pQrS";
constexpr const char* kMask = "fini_\u2026pQrS";

// The scan redact() is held to, written plainly: one character at a time, no shortcuts.
bool key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-'; }

std::string reference_redact(std::string_view text, std::string_view secret) {
  std::string s(text);
  if (!secret.empty()) {
    std::string replaced;
    for (std::size_t i = 0; i < s.size();) {
      if (s.compare(i, secret.size(), secret) == 0) {
        replaced += mask_token(secret);
        i += secret.size();
      } else {
        replaced += s[i++];
      }
    }
    s = replaced;
  }
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const bool word_start = i == 0 || !key_char(s[i - 1]);
    std::string lower;
    for (std::size_t k = i; k < s.size() && k < i + 7; ++k)
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(s[k])));
    if (word_start && lower == "bearer ") {
      std::size_t j = i + 7;
      while (j < s.size() && s[j] == ' ') ++j;
      std::size_t end = j;
      while (end < s.size() && std::isspace(static_cast<unsigned char>(s[end])) == 0 &&
             std::string("\"',;").find(s[end]) == std::string::npos)
        ++end;
      const std::string token = s.substr(j, end - j);
      out += s.substr(i, j - i);
      out += token.empty() || token.rfind("fini_\u2026", 0) == 0 ? token : mask_token(token);
      i = end;
      continue;
    }
    if (word_start && s.compare(i, 5, "fini_") == 0) {
      std::size_t end = i + 5;
      while (end < s.size() && key_char(s[end])) ++end;
      const std::string body = s.substr(i + 5, end - i - 5);
      bool random = false;
      for (char c : body)
        random = random || std::isdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c)) ||
                 c == '-';
      out += body.size() >= 16 && random ? mask_token(s.substr(i, end - i)) : s.substr(i, end - i);
      i = end;
      continue;
    }
    out += s[i++];
  }
  return out;
}

TEST(RedactPositions, KeyAtTheStartAndTheEnd) {
  EXPECT_EQ(redact(std::string(kKey) + " leaked"), std::string(kMask) + " leaked");
  EXPECT_EQ(redact(std::string("leaked ") + kKey), std::string("leaked ") + kMask);
  EXPECT_EQ(redact(kKey), kMask);
}

TEST(RedactPositions, KeyNextToMultiByteUtf8) {
  EXPECT_EQ(redact(std::string("\u00e9") + kKey + "\u00e9"), std::string("\u00e9") + kMask + "\u00e9");
  EXPECT_EQ(redact(std::string("\u65e5\u672c") + kKey + "\u8a9e"), std::string("\u65e5\u672c") + kMask + "\u8a9e");
  EXPECT_EQ(redact(std::string("\u2026") + kKey), std::string("\u2026") + kMask);
}

TEST(RedactPositions, BearerInAnyCaseAtTheEdges) {
  EXPECT_EQ(redact("BeArEr abcdefghijklmnop1234"), "BeArEr fini_\u20261234");
  EXPECT_EQ(redact("\u00e9bearer abcdefghijklmnop1234"), "\u00e9bearer fini_\u20261234");
}

TEST(RedactPositions, SecretThatIsNotKeyShapedInsideUtf8) {
  EXPECT_EQ(redact("\u00e9hunter2\u00e9", "hunter2"), "\u00e9fini_\u2026\u00e9");
}

TEST(RedactPositions, KeyInAnObjectKeyAndDeepValues) {
  json v = {{std::string(kKey), 1},
            {"nested", {{"list", {std::string("\u00e9") + kKey, 2, {{std::string("x ") + kKey, "y"}}}}}},
            {"plain", "nothing here"}};
  redact_json(v, "");
  const std::string text = v.dump();
  EXPECT_EQ(text.find(kKey), std::string::npos) << text;
  EXPECT_TRUE(v.contains(kMask));
  EXPECT_EQ(v["nested"]["list"][0], std::string("\u00e9") + kMask);
  EXPECT_TRUE(v["nested"]["list"][2].contains(std::string("x ") + kMask));
  EXPECT_EQ(v["plain"], "nothing here");
}

TEST(RedactPositions, TheSecretInAnObjectKeyEvenWhenNotKeyShaped) {
  json v = {{"a hunter2 b", "hunter2"}};
  redact_json(v, "hunter2");
  EXPECT_EQ(v.dump(), "{\"a fini_\u2026 b\":\"fini_\u2026\"}");
}

// Pieces that sit on every boundary the scan cares about, strung together at random.
TEST(RedactPositions, MatchesThePlainScanOnGeneratedText) {
  const std::vector<std::string> pieces = {kKey,
                                           "fini_",
                                           "fini_list_conversation_tags",
                                           "Bearer ",
                                           "bEaReR  ",
                                           "bearer",
                                           "x",
                                           "_",
                                           "-",
                                           " ",
                                           "\"",
                                           "'",
                                           ",",
                                           "\u00e9",
                                           "\u65e5",
                                           "\u2026",
                                           "hunter2",
                                           "Ab3dEf6hIj9kLmN0",
                                           "9",
                                           "\t",
                                           "fini_\u2026",
                                           "fini_abcdefghijklmnopq"};
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1), count(0, 9);
  for (int n = 0; n < 20000; ++n) {
    std::string text;
    for (std::size_t k = count(rng); k > 0; --k) text += pieces[pick(rng)];
    const std::string secret = n % 3 == 0 ? "hunter2" : n % 3 == 1 ? kKey : "";
    ASSERT_EQ(redact(text, secret), reference_redact(text, secret)) << "text: " << text << " secret: " << secret;
  }
}

}  // namespace
}  // namespace fini
