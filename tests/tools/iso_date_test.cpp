// ISO 8601 dates in epoch-ms arguments: the edge cases a model or a person writes, and the
// conversion notes and problems the tool call shows.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tools/epoch_dates.hpp"
#include "tools/iso_date.hpp"

namespace fini::tools {
namespace {

using nlohmann::json;

std::int64_t ms(std::string_view text) {
  auto r = iso8601_to_epoch_ms(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().message();
  return r.ok() ? *r : -1;
}

std::string refusal(std::string_view text) {
  auto r = iso8601_to_epoch_ms(text);
  EXPECT_FALSE(r.ok()) << text << " was read as " << (r.ok() ? *r : 0);
  return r.ok() ? "" : r.status().message();
}

TEST(IsoDate, DateOnlyIsMidnightUtc) {
  EXPECT_EQ(ms("2026-01-01"), 1767225600000);
  EXPECT_EQ(ms("2026-06-01"), 1780272000000);
}

TEST(IsoDate, DateTimesWithAndWithoutZone) {
  EXPECT_EQ(ms("2026-01-01T09:00:00Z"), 1767258000000);
  EXPECT_EQ(ms("2026-01-01T09:00:00"), 1767258000000);  // no zone: UTC
  EXPECT_EQ(ms("2026-01-01t09:00:00z"), 1767258000000);
  EXPECT_EQ(ms("2026-01-01 09:00:00Z"), 1767258000000);
  EXPECT_EQ(ms("2026-01-01T09:00Z"), 1767258000000);  // seconds optional
}

TEST(IsoDate, OffsetsMoveTheInstant) {
  EXPECT_EQ(ms("2026-01-01T09:00:00+05:30"), 1767258000000 - 330 * 60000);
  EXPECT_EQ(ms("2026-01-01T09:00:00-08:00"), 1767258000000 + 8 * 3600000);
  EXPECT_EQ(ms("2026-01-01T09:00:00+0530"), ms("2026-01-01T09:00:00+05:30"));
  EXPECT_EQ(ms("2026-01-01T09:00:00+05"), 1767258000000 - 5 * 3600000);
  EXPECT_EQ(ms("2026-01-01T00:30:00+01:00"), ms("2025-12-31T23:30:00Z"));  // the day before in UTC
}

TEST(IsoDate, FractionalSecondsKeepMillisecondsAndTruncateBeyond) {
  EXPECT_EQ(ms("2026-01-01T09:00:00.5Z"), 1767258000500);
  EXPECT_EQ(ms("2026-01-01T09:00:00.123Z"), 1767258000123);
  EXPECT_EQ(ms("2026-01-01T09:00:00.123999999Z"), 1767258000123);
  EXPECT_EQ(ms("2026-01-01T09:00:00,25Z"), 1767258000250);
}

TEST(IsoDate, LeapDays) {
  EXPECT_EQ(ms("2024-02-29"), 1709164800000);
  EXPECT_EQ(refusal("2023-02-29"), "February 2023 has 28 days");
  EXPECT_EQ(ms("2000-02-29"), 951782400000);                      // divisible by 400: leap
  EXPECT_EQ(refusal("2100-02-29"), "February 2100 has 28 days");  // divisible by 100: not
}

TEST(IsoDate, ImpossibleDatesAndTimes) {
  EXPECT_EQ(refusal("2026-13-01"), "there is no month 13");
  EXPECT_EQ(refusal("2026-00-10"), "there is no month 0");
  EXPECT_EQ(refusal("2026-04-31"), "April 2026 has 30 days");
  EXPECT_EQ(refusal("2026-01-00"), "January 2026 has 31 days");
  EXPECT_EQ(refusal("2026-01-01T24:00:00Z"), "no such time of day (hours 00-23, minutes and seconds 00-59)");
  EXPECT_EQ(refusal("2026-01-01T09:60:00Z"), "no such time of day (hours 00-23, minutes and seconds 00-59)");
  EXPECT_EQ(refusal("2026-01-01T09:00:00+24:00"), "the offset is out of range (hours 00-23, minutes 00-59)");
}

TEST(IsoDate, OutOfRange) {
  EXPECT_EQ(refusal("1970-01-01"), "out of range: the earliest instant is 1973-03-03T09:46:40Z");
  EXPECT_EQ(refusal("1973-03-03T09:46:39.999Z"), "out of range: the earliest instant is 1973-03-03T09:46:40Z");
  EXPECT_EQ(ms("1973-03-03T09:46:40Z"), kSmallestEpochMs);
  EXPECT_EQ(ms("9999-12-31T23:59:59.999Z"), 253402300799999);
  EXPECT_EQ(refusal("9999-12-31T23:59:59.999-00:01"), "out of range: the latest instant is 9999-12-31T23:59:59.999Z");
}

TEST(IsoDate, GarbageIsRefusedWithTheShapeToWrite) {
  const std::string shape =
      "not an ISO 8601 date or date-time; write e.g. 2026-01-01, 2026-01-01T09:00:00Z or 2026-01-01T09:00:00+05:30";
  for (std::string_view text :
       {"", "yesterday", "2026", "2026-1-1", "2026/01/01", "01/02/2026", "2026-01-01T", "2026-01-01T9:00",
        "2026-01-01T09:00:00.Z", "2026-01-01T09:00:00 UTC", "2026-01-01T09:00:00+5", "2026-01-01Z", " 2026-01-01",
        "2026-01-01T09:00:00Zjunk", "+2026-01-01", "2026-01-01T09:00:00+05:30:00"}) {
    EXPECT_EQ(refusal(text), shape) << "'" << text << "'";
  }
  EXPECT_EQ(refusal(std::string(100, '9')), shape);
}

TEST(IsoDate, EpochMsToIso) {
  EXPECT_EQ(epoch_ms_to_iso(1767238200000), "2026-01-01T03:30:00.000Z");
  EXPECT_EQ(epoch_ms_to_iso(1709164800123), "2024-02-29T00:00:00.123Z");
  EXPECT_EQ(epoch_ms_to_iso(0), "1970-01-01T00:00:00.000Z");
}

TEST(ReadIsoDates, ConvertsWithANoteAndLeavesOtherValuesAlone) {
  json args = {{"since", "2026-05-01"}, {"until", 1780272000000}, {"limit", "5"}, {"agentId", "2026-05-01"}};
  std::vector<schema::Coercion> notes;
  std::vector<std::string> problems;
  read_iso_dates({"since", "until", "cursor"}, args, notes, problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(args["since"], 1777593600000);
  EXPECT_EQ(args["until"], 1780272000000);
  EXPECT_EQ(args["agentId"], "2026-05-01");  // not an epoch-ms argument
  ASSERT_EQ(notes.size(), 1U);
  EXPECT_EQ(notes[0].pointer, "/since");
  EXPECT_EQ(notes[0].message, "the string \"2026-05-01\" was read as 1777593600000 (2026-05-01T00:00:00.000Z)");
}

TEST(ReadIsoDates, DigitStringsAreTheValidatorsAndBadDatesAreProblems) {
  json args = {{"since", "1777593600"}, {"until", "2023-02-29"}};
  std::vector<schema::Coercion> notes;
  std::vector<std::string> problems;
  read_iso_dates({"since", "until"}, args, notes, problems);
  EXPECT_EQ(args["since"], "1777593600");  // the validator reads it as an integer; then seconds are refused
  EXPECT_TRUE(notes.empty());
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0], "/until: \"2023-02-29\": February 2023 has 28 days");
  args = {{"since", std::string(200, 'x')}};
  problems.clear();
  read_iso_dates({"since"}, args, notes, problems);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].rfind("/since: \"" + std::string(64, 'x') + "\"...: not an ISO 8601", 0), 0U) << problems[0];
}

}  // namespace
}  // namespace fini::tools
