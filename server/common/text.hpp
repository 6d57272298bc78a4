#pragma once
// ASCII text helpers: trimming and lower-casing, independent of the C locale.
// Pure: thread-safe, never throws (beyond std::bad_alloc).

#include <string>
#include <string_view>

namespace fini {

// What std::isspace accepts in the "C" locale.
inline constexpr std::string_view kWhitespace = " \t\n\v\f\r";
// HTTP's optional whitespace (RFC 9110 §5.6.3): headers are trimmed of these only.
inline constexpr std::string_view kHttpWhitespace = " \t";

// `text` without leading and trailing characters from `chars`; a view into `text`.
std::string_view trim(std::string_view text, std::string_view chars = kWhitespace);

// 'A'-'Z' mapped to 'a'-'z'; every other byte (UTF-8 included) unchanged.
char ascii_lower(char c);
std::string to_lower(std::string_view text);

}  // namespace fini
