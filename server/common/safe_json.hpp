#pragma once
// Parsing JSON from outside (stdin lines, HTTP bodies, stored files) so that no attacker-shaped
// value can crash the process: nlohmann's copy, dump and compare recurse once per nesting level,
// so a 100 KB line of "[[[[…" would exhaust the stack long after parsing succeeded. The depth
// is checked by a linear pre-scan before any value is built, so everything later handles only
// shallow values. Thread-safety: pure functions. Never throws (beyond std::bad_alloc).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fini {

// Deep enough for any real MCP message or Fini body, shallow enough for any stack.
inline constexpr std::size_t kMaxJsonDepth = 128;

// The nesting depth of arrays/objects in `text` (strings and escapes skipped), stopping early
// once it exceeds `limit` (then returns limit + 1). Works on invalid JSON too.
std::size_t json_depth(std::string_view text, std::size_t limit = kMaxJsonDepth);

struct SafeParse {
  nlohmann::json value;       // discarded when error is set
  std::optional<std::string> error;  // "nesting deeper than 128 levels" / "invalid JSON"
};

// Depth-checked, non-throwing parse.
SafeParse parse_json_safely(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

}  // namespace fini
