#include "mcp/protocol.hpp"

#include <charconv>

namespace fini::mcp {

std::string negotiate_version(std::string_view requested) {
  for (auto v : kSupportedProtocolVersions) {
    if (v == requested) return std::string(v);
  }
  return std::string(kLatestProtocolVersion);
}

namespace {
constexpr std::array<std::string_view, 8> kLevelNames = {"debug", "info",     "notice", "warning",
                                                         "error", "critical", "alert",  "emergency"};
constexpr std::string_view kCursorPrefix = "fini.page.";
}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view name) {
  for (std::size_t i = 0; i < kLevelNames.size(); ++i) {
    if (kLevelNames[i] == name) return static_cast<LogLevel>(i);
  }
  return std::nullopt;
}

std::string_view log_level_name(LogLevel level) { return kLevelNames[static_cast<std::size_t>(level)]; }

std::string encode_cursor(std::size_t offset) {
  // Not secret, only opaque: clients must treat it as a token, and we validate it on return.
  return std::string(kCursorPrefix) + std::to_string(offset);
}

std::optional<std::size_t> decode_cursor(std::string_view cursor) {
  if (cursor.substr(0, kCursorPrefix.size()) != kCursorPrefix) return std::nullopt;
  auto digits = cursor.substr(kCursorPrefix.size());
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  std::size_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || value == 0) return std::nullopt;
  return value;
}

}  // namespace fini::mcp
