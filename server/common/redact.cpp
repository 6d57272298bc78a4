#include "common/redact.hpp"

#include <cctype>

#include "common/text.hpp"

namespace fini {
namespace {

constexpr std::string_view kKeyPrefix = "fini_";
constexpr std::size_t kMinKeyBody = 16;
constexpr std::size_t kShowTailFrom = 16;

bool is_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

bool is_word_char(char c) { return is_key_char(c); }

bool iequals_prefix(std::string_view text, std::size_t at, std::string_view word) {
  if (text.size() - at < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (ascii_lower(text[at + i]) != ascii_lower(word[i])) return false;
  }
  return true;
}

bool looks_random(std::string_view body) {
  for (char c : body) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isdigit(u) != 0 || std::isupper(u) != 0 || c == '-') return true;
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
      while (end < s.size() && std::isspace(static_cast<unsigned char>(s[end])) == 0 && s[end] != '"' &&
             s[end] != '\'' && s[end] != ',' && s[end] != ';') {
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
    key_needs_redaction = key_needs_redaction || redact(it.key(), key) != it.key();
  }
  // Object keys cannot be renamed in place; rebuild only the rare object whose keys carry a key.
  if (!key_needs_redaction) return;
  nlohmann::json out = nlohmann::json::object();
  for (auto it = value.begin(); it != value.end(); ++it) out[redact(it.key(), key)] = std::move(it.value());
  value = std::move(out);
}

}  // namespace fini
