#include "cli/time_spec.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <optional>
#include <string_view>

#include "tools/iso_date.hpp"

namespace fini::cli {

namespace {

constexpr std::int64_t kHourMs = 3600LL * 1000;
constexpr const char* kForms =
    "use a duration back from now (150d, 12h, 2w), a UTC date (2026-06-01), a UTC date-time "
    "(2026-06-01T12:00:00Z) or epoch milliseconds";

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// "150d", "12h", "2w" → milliseconds back from now; nullopt when text is not such a duration.
std::optional<std::int64_t> relative_ms(std::string_view text) {
  if (text.size() < 2 || text.size() > 7) return std::nullopt;
  const std::string_view digits = text.substr(0, text.size() - 1);
  if (!all_digits(digits)) return std::nullopt;
  const char unit = text.back();
  const std::int64_t per = unit == 'h' ? kHourMs : unit == 'd' ? 24 * kHourMs : unit == 'w' ? 7 * 24 * kHourMs : 0;
  if (per == 0) return std::nullopt;
  return std::stoll(std::string(digits)) * per;
}

}  // namespace

Result<std::int64_t> parse_time_spec(const std::string& text, std::int64_t now_ms) {
  if (auto back = relative_ms(text)) return now_ms - *back;
  if (text.size() >= 10 && all_digits(std::string_view(text).substr(0, 4)) && text[4] == '-') {
    // A date or date-time: the same reading (and the same precise refusals) as the tools' epoch-ms arguments.
    auto ms = tools::iso8601_to_epoch_ms(text);
    if (!ms.ok()) return invalid_argument("'" + text + "': " + ms.status().message() + "; " + kForms);
    return *ms;
  }
  if (text.size() >= 10 && text.size() <= 15 && all_digits(text)) return std::stoll(text);
  return invalid_argument("'" + text + "' is not a time: " + kForms);
}

std::string utc_iso(std::int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace fini::cli
