#include "tools/iso_date.hpp"

#include <array>
#include <cstdio>
#include <optional>

namespace fini::tools {

namespace {

constexpr std::int64_t kMsPerMinute = 60'000;
constexpr std::int64_t kMsPerDay = 86'400'000;
constexpr std::int64_t kLargestEpochMs = 253'402'300'799'999LL;  // 9999-12-31T23:59:59.999Z
constexpr std::array<const char*, 12> kMonths = {"January", "February", "March",     "April",   "May",      "June",
                                                 "July",    "August",   "September", "October", "November", "December"};

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

// A cursor over the text; every read either consumes what it matched or nothing.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return i_ == s_.size(); }
  std::optional<int> digits(std::size_t n) {
    if (s_.size() - i_ < n) return std::nullopt;
    int v = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const char c = s_[i_ + k];
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    i_ += n;
    return v;
  }
  bool take(char c) {
    if (done() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  bool take_any(std::string_view set) {
    if (done() || set.find(s_[i_]) == std::string_view::npos) return false;
    ++i_;
    return true;
  }
  char peek() const { return done() ? '\0' : s_[i_]; }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

const char* const kShape =
    "not an ISO 8601 date or date-time; write e.g. 2026-01-01, 2026-01-01T09:00:00Z or 2026-01-01T09:00:00+05:30";

struct Clock {
  int hour = 0, minute = 0, second = 0, ms = 0;
};

// HH:MM[:SS[.fraction]] after the date's T.
Result<Clock> read_clock(Scanner& in) {
  Clock c;
  auto h = in.digits(2);
  if (!h || !in.take(':')) return invalid_argument(kShape);
  auto mi = in.digits(2);
  if (!mi) return invalid_argument(kShape);
  c.hour = *h;
  c.minute = *mi;
  if (in.take(':')) {
    auto s = in.digits(2);
    if (!s) return invalid_argument(kShape);
    c.second = *s;
    if (in.take('.') || in.take(',')) {
      int n = 0;
      for (; in.peek() >= '0' && in.peek() <= '9'; ++n) {
        const int digit = *in.digits(1);
        if (n < 3) c.ms = c.ms * 10 + digit;
      }
      if (n == 0) return invalid_argument(kShape);
      for (int k = n; k < 3; ++k) c.ms *= 10;
    }
  }
  if (c.hour > 23 || c.minute > 59 || c.second > 59) {
    return invalid_argument("no such time of day (hours 00-23, minutes and seconds 00-59)");
  }
  return c;
}

// Z, +HH:MM, +HHMM, +HH (or -), or nothing (UTC): the offset east of UTC in minutes.
Result<int> read_zone(Scanner& in) {
  if (in.done() || in.take_any("Zz")) return 0;
  const char sign = in.peek();
  if (!in.take_any("+-")) return invalid_argument(kShape);
  auto h = in.digits(2);
  if (!h) return invalid_argument(kShape);
  int m = 0;
  if (in.take(':')) {
    auto mm = in.digits(2);
    if (!mm) return invalid_argument(kShape);
    m = *mm;
  } else if (auto mm = in.digits(2)) {
    m = *mm;
  }
  if (*h > 23 || m > 59) return invalid_argument("the offset is out of range (hours 00-23, minutes 00-59)");
  return (sign == '-' ? -1 : 1) * (*h * 60 + m);
}

struct Day {
  int year = 0, month = 0, day = 0;
};

Result<Day> read_day(Scanner& in) {
  auto y = in.digits(4);
  if (!y || !in.take('-')) return invalid_argument(kShape);
  auto m = in.digits(2);
  if (!m || !in.take('-')) return invalid_argument(kShape);
  auto d = in.digits(2);
  if (!d) return invalid_argument(kShape);
  if (*m < 1 || *m > 12) return invalid_argument("there is no month " + std::to_string(*m));
  if (*d < 1 || *d > days_in_month(*y, *m)) {
    return invalid_argument(std::string(kMonths[static_cast<std::size_t>(*m - 1)]) + " " + std::to_string(*y) +
                            " has " + std::to_string(days_in_month(*y, *m)) + " days");
  }
  return Day{*y, *m, *d};
}

}  // namespace

Result<std::int64_t> iso8601_to_epoch_ms(std::string_view text) {
  if (text.size() > 64) return invalid_argument(kShape);
  Scanner in(text);
  auto day = read_day(in);
  if (!day.ok()) return day.status();
  Clock clock;
  int offset_minutes = 0;
  if (!in.done()) {
    if (!in.take_any("Tt ")) return invalid_argument(kShape);
    auto c = read_clock(in);
    if (!c.ok()) return c.status();
    clock = *c;
    auto zone = read_zone(in);
    if (!zone.ok()) return zone.status();
    offset_minutes = *zone;
  }
  if (!in.done()) return invalid_argument(kShape);
  const std::int64_t ms = days_from_civil(day->year, day->month, day->day) * kMsPerDay +
                          ((clock.hour * 60 + clock.minute) * 60 + clock.second) * 1000LL + clock.ms -
                          offset_minutes * kMsPerMinute;
  if (ms < kSmallestEpochMs) return invalid_argument("out of range: the earliest instant is 1973-03-03T09:46:40Z");
  if (ms > kLargestEpochMs) return invalid_argument("out of range: the latest instant is 9999-12-31T23:59:59.999Z");
  return ms;
}

std::string epoch_ms_to_iso(std::int64_t ms) {
  const std::int64_t days = (ms >= 0 ? ms : ms - kMsPerDay + 1) / kMsPerDay;
  const std::int64_t rest = ms - days * kMsPerDay;
  // H. Hinnant's civil_from_days.
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[128];  // room for any int64 fields, so the compiler can prove no truncation
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y),
                static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(rest / 3'600'000),
                static_cast<long long>(rest / 60'000 % 60), static_cast<long long>(rest / 1000 % 60),
                static_cast<long long>(rest % 1000));
  return buf;
}

}  // namespace fini::tools
