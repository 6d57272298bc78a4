#include <gtest/gtest.h>

#include <sstream>

#include "jsonrpc/line_reader.hpp"
#include "mcp/protocol.hpp"

namespace fini::mcp {
namespace {

TEST(VersionNegotiation, Table) {
  EXPECT_EQ(negotiate_version("2025-11-25"), "2025-11-25");
  EXPECT_EQ(negotiate_version("2025-06-18"), "2025-06-18");
  EXPECT_EQ(negotiate_version("2025-03-26"), "2025-03-26");
  EXPECT_EQ(negotiate_version("2024-11-05"), "2024-11-05");
  EXPECT_EQ(negotiate_version("2099-01-01"), "2025-11-25");
  EXPECT_EQ(negotiate_version(""), "2025-11-25");
  EXPECT_EQ(negotiate_version("2024-10-07"), "2025-11-25");
}

TEST(LogLevels, Rfc5424Names) {
  EXPECT_EQ(parse_log_level("debug"), LogLevel::kDebug);
  EXPECT_EQ(parse_log_level("emergency"), LogLevel::kEmergency);
  EXPECT_EQ(parse_log_level("warn"), std::nullopt);
  EXPECT_EQ(parse_log_level("INFO"), std::nullopt);
  EXPECT_EQ(log_level_name(LogLevel::kNotice), "notice");
}

TEST(Cursor, RoundTripAndRejectsForeign) {
  EXPECT_EQ(decode_cursor(encode_cursor(25)), 25u);
  EXPECT_EQ(decode_cursor("25"), std::nullopt);
  EXPECT_EQ(decode_cursor("fini.page.x"), std::nullopt);
  EXPECT_EQ(decode_cursor("fini.page.0"), std::nullopt);
  EXPECT_EQ(decode_cursor(""), std::nullopt);
}

TEST(LineReader, SplitsLinesAndSkipsOversizedWithoutBuffering) {
  std::string big(100, 'x');
  std::istringstream in("a\r\nb\n" + big + "\nc");
  jsonrpc::LineReader reader(in, 10);
  std::string line;
  EXPECT_EQ(reader.next(line), jsonrpc::LineReader::Status::kLine);
  EXPECT_EQ(line, "a\r");
  EXPECT_EQ(reader.next(line), jsonrpc::LineReader::Status::kLine);
  EXPECT_EQ(line, "b");
  EXPECT_EQ(reader.next(line), jsonrpc::LineReader::Status::kOversized);
  EXPECT_TRUE(line.empty());
  EXPECT_EQ(reader.next(line), jsonrpc::LineReader::Status::kLine);
  EXPECT_EQ(line, "c");
  EXPECT_EQ(reader.next(line), jsonrpc::LineReader::Status::kEof);
}

}  // namespace
}  // namespace fini::mcp
