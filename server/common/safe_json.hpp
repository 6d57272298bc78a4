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
// Values in one message from a client (stdin line, HTTP body): a JSON node costs 16 bytes and
// more (an object member ~100), so a 4 MB body of "[0,0,…" would become ~100 MiB of nodes.
// 100,000 values keep one parse within ~10 MiB and are far beyond any real MCP request.
inline constexpr std::size_t kMaxMessageElements = 100000;

// The nesting depth of arrays/objects in `text` (strings and escapes skipped), stopping early
// once it exceeds `limit` (then returns limit + 1). Works on invalid JSON too.
std::size_t json_depth(std::string_view text, std::size_t limit = kMaxJsonDepth);

// An upper bound on the number of values in `text` (separators and openings outside strings,
// plus one), stopping early past `limit` (then limit + 1). Linear, allocates nothing.
std::size_t json_elements(std::string_view text, std::size_t limit);

struct SafeParse {
  nlohmann::json value;              // discarded when error is set
  std::optional<std::string> error;  // "nesting deeper than 128 levels" / "invalid JSON"
};

// Depth- (and optionally size-) checked, non-throwing parse: nothing is built beyond the limits.
SafeParse parse_json_safely(std::string_view text, std::size_t max_depth = kMaxJsonDepth,
                            std::size_t max_elements = static_cast<std::size_t>(-1));

}  // namespace fini
