#pragma once
// ISO 8601 dates and date-times as Fini's epoch-millisecond arguments take them ("since",
// "until"): what models and people write ("2026-01-01", "2026-01-01T09:00:00Z") read as UTC
// milliseconds. Pure functions: thread-safe, never throw except std::bad_alloc.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.hpp"

namespace fini::tools {

// The earliest value an epoch-ms argument accepts: below 10^11 ms (1973-03-03T09:46:40Z) a
// number reads as seconds, so earlier dates are out of range too.
inline constexpr std::int64_t kSmallestEpochMs = 100'000'000'000LL;

// Accepted: YYYY-MM-DD (midnight UTC), or YYYY-MM-DD followed by T (or t, or one space),
// HH:MM[:SS[.fraction]] and an optional zone: Z (or z), +HH:MM, +HHMM or +HH (or -); no zone =
// UTC. Fractions beyond milliseconds are truncated. InvalidArgument, with a message saying
// what is wrong ("February 2023 has 28 days"), for anything else, for impossible dates and
// times, and for instants before kSmallestEpochMs or after 9999-12-31T23:59:59.999Z.
Result<std::int64_t> iso8601_to_epoch_ms(std::string_view text);

// "2026-01-01T03:30:00.000Z" for 1767238200000 (UTC, always milliseconds).
std::string epoch_ms_to_iso(std::int64_t ms);

}  // namespace fini::tools
