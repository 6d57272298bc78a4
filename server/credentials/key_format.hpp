#pragma once
// What a Fini API key looks like, checked before a key is ever sent anywhere, and values that
// are not keys at all (client-config placeholders). Pure functions: thread-safe, never throw.
// Messages never quote the key.

#include <optional>
#include <string>
#include <string_view>

#include "common/status.hpp"
#include "common/text.hpp"

namespace fini::credentials {

inline constexpr std::size_t kMinKeyLength = 16;
inline constexpr std::size_t kMaxKeyLength = 256;

// kInvalidArgument unless `key` starts with "fini_", uses only [A-Za-z0-9_-] and has a
// plausible length; the message says which rule failed.
Status check_key_format(std::string_view key);

// Recognizes values that are not keys at all: an unexpanded ${user_config.api_key}
// placeholder or an encrypted blob (__encrypted__:…) from a client's config.
std::optional<std::string> config_problem(const std::string& value);

// Removes surrounding whitespace (a pasted key often carries a newline or spaces).
using fini::trim;

}  // namespace fini::credentials
