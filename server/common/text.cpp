#include "common/text.hpp"

namespace fini {

std::string_view trim(std::string_view text, std::string_view chars) {
  const auto begin = text.find_first_not_of(chars);
  if (begin == std::string_view::npos) return text.substr(text.size());
  const auto end = text.find_last_not_of(chars);
  return text.substr(begin, end - begin + 1);
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

}  // namespace fini
