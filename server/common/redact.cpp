#include "common/redact.hpp"

#include "common/text.hpp"

namespace fini {
namespace {

constexpr std::string_view kKeyPrefix = "fini_";
constexpr std::size_t kMinKeyBody = 16;
constexpr std::size_t kShowTailFrom = 16;

// ASCII only, as std::isalnum in the "C" locale (the server never changes the locale): a byte
// of multi-byte UTF-8 is not a key character. Inline and locale-free: this runs on every byte.
bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool is_word_char(char c) { return is_key_char(c); }

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

bool iequals_prefix(std::string_view text, std::size_t at, std::string_view word) {
  if (text.size() - at < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (ascii_lower(text[at + i]) != ascii_lower(word[i])) return false;
  }
  return true;
}

bool looks_random(std::string_view body) {
  for (char c : body) {
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '-') return true;
  }
  return false;
}

// Whether redact() could change `text`: it holds the secret, "fini_", or "bearer " in any case.
// Most strings of a result hold none; they are then neither scanned byte by byte nor copied.
bool may_hold_key(std::string_view text, std::string_view secret) {
  if (!secret.empty() && text.find(secret) != std::string_view::npos) return true;
  if (text.find(kKeyPrefix) != std::string_view::npos) return true;
  // 'b' or 'B' (c | 0x20 folds only those two onto 'b'), then the rest of "bearer ".
  for (std::size_t i = 0; i + 7 <= text.size(); ++i) {
    if ((text[i] | 0x20) == 'b' && iequals_prefix(text, i, "bearer ")) return true;
  }
  return false;
}

std::string replace_all(std::string_view text, std::string_view needle, const std::string& with) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t hit = text.find(needle, pos);
    if (hit == std::string_view::npos) break;
    out.append(text.substr(pos, hit - pos));
    out += with;
    pos = hit + needle.size();
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace

std::string mask_token(std::string_view token) {
  std::string out(kKeyPrefix);
  out += "\u2026";
  if (token.size() >= kShowTailFrom) out.append(token.substr(token.size() - 4));
  return out;
}

std::string redact(std::string_view text, std::string_view secret) {
  if (!may_hold_key(text, secret)) return std::string(text);
  // The exact secret first: it may not look like a key or follow "Bearer".
  std::string current = secret.empty() ? std::string(text) : replace_all(text, secret, mask_token(secret));

  std::string out;
  out.reserve(current.size());
  std::size_t i = 0;
  const std::string_view s = current;
  while (i < s.size()) {
    const bool at_word_start = i == 0 || !is_word_char(s[i - 1]);
    if (at_word_start && iequals_prefix(s, i, "bearer ")) {
      std::size_t j = i + 7;
      while (j < s.size() && s[j] == ' ') ++j;
      std::size_t end = j;
      while (end < s.size() && !is_space(s[end]) && s[end] != '"' && s[end] != '\'' && s[end] != ',' && s[end] != ';') {
        ++end;
      }
      const std::string_view token = s.substr(j, end - j);
      // Already masked (starts with the mask prefix and the ellipsis): leave as is.
      const bool masked = token.starts_with(std::string(kKeyPrefix) + "\u2026");
      out.append(s.substr(i, j - i));
      out += (token.empty() || masked) ? std::string(token) : mask_token(token);
      i = end;
      continue;
    }
    if (at_word_start && s.substr(i).starts_with(kKeyPrefix)) {
      std::size_t end = i + kKeyPrefix.size();
      while (end < s.size() && is_key_char(s[end])) ++end;
      const std::string_view body = s.substr(i + kKeyPrefix.size(), end - i - kKeyPrefix.size());
      if (body.size() >= kMinKeyBody && looks_random(body)) {
        out += mask_token(s.substr(i, end - i));
      } else {
        out.append(s.substr(i, end - i));
      }
      i = end;
      continue;
    }
    out += s[i];
    ++i;
  }
  return out;
}

void redact_json(nlohmann::json& value, const std::string& key) {
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (!may_hold_key(s, key)) return;
    std::string clean = redact(s, key);
    if (clean != s) value = std::move(clean);
    return;
  }
  if (value.is_array()) {
    for (auto& child : value) redact_json(child, key);
    return;
  }
  if (!value.is_object()) return;
  bool key_needs_redaction = false;
  for (auto it = value.begin(); it != value.end(); ++it) {
    redact_json(it.value(), key);
    key_needs_redaction = key_needs_redaction || (may_hold_key(it.key(), key) && redact(it.key(), key) != it.key());
  }
  // Object keys cannot be renamed in place; rebuild only the rare object whose keys carry a key.
  if (!key_needs_redaction) return;
  nlohmann::json out = nlohmann::json::object();
  for (auto it = value.begin(); it != value.end(); ++it) out[redact(it.key(), key)] = std::move(it.value());
  value = std::move(out);
}

}  // namespace fini
