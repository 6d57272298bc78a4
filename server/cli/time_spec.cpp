#include "cli/time_spec.hpp"

#include <ctime>
#include <regex>

namespace fini::cli {

namespace {

constexpr std::int64_t kHourMs = 3600LL * 1000;

std::int64_t utc_ms(int year, int month, int day, int hour, int minute, int second) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

}  // namespace

Result<std::int64_t> parse_time_spec(const std::string& text, std::int64_t now_ms) {
  static const std::regex relative("([0-9]{1,6})([hdw])");
  static const std::regex date("([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?Z)?");
  static const std::regex epoch("[0-9]{10,15}");
  std::smatch m;
  if (std::regex_match(text, m, relative)) {
    const std::int64_t n = std::stoll(m[1].str());
    const std::int64_t unit = m[2] == "h" ? kHourMs : m[2] == "d" ? 24 * kHourMs : 7 * 24 * kHourMs;
    return now_ms - n * unit;
  }
  if (std::regex_match(text, m, date)) {
    const int month = std::stoi(m[2].str()), day = std::stoi(m[3].str());
    const int hour = m[4].matched ? std::stoi(m[4].str()) : 0, minute = m[5].matched ? std::stoi(m[5].str()) : 0;
    const int second = m[6].matched ? std::stoi(m[6].str()) : 0;
    if (month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24 && minute < 60 && second < 60) {
      return utc_ms(std::stoi(m[1].str()), month, day, hour, minute, second);
    }
  }
  if (std::regex_match(text, epoch)) return std::stoll(text);
  return invalid_argument("'" + text + "' is not a time: use a duration back from now (150d, 12h, 2w), a UTC date " +
                          "(2026-06-01), a UTC date-time (2026-06-01T12:00:00Z) or epoch milliseconds");
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
