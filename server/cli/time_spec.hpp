#pragma once
// Times a person types for `export --since/--until`: a duration back from now ("150d", "12h",
// "2w"), a UTC date ("2026-06-01") or date-time ("2026-06-01T12:00:00Z"), or epoch milliseconds.

#include <cstdint>
#include <string>

#include "common/status.hpp"

namespace fini::cli {

// Epoch milliseconds for `text`, relative ones counted back from now_ms. kInvalidArgument with
// the accepted forms otherwise.
Result<std::int64_t> parse_time_spec(const std::string& text, std::int64_t now_ms);

// "2026-06-01T12:00:00Z".
std::string utc_iso(std::int64_t ms);

}  // namespace fini::cli
