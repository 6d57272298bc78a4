#pragma once
// MCP protocol constants: supported revisions, version negotiation, RFC 5424 log levels,
// opaque pagination cursors. Pure functions; thread-safe.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace fini::mcp {

inline constexpr std::string_view kLatestProtocolVersion = "2025-11-25";
inline constexpr std::array<std::string_view, 4> kSupportedProtocolVersions = {"2025-11-25", "2025-06-18", "2025-03-26",
                                                                               "2024-11-05"};

// A supported requested version is echoed; anything else gets our latest (never an error).
std::string negotiate_version(std::string_view requested);

enum class LogLevel { kDebug, kInfo, kNotice, kWarning, kError, kCritical, kAlert, kEmergency };
std::optional<LogLevel> parse_log_level(std::string_view name);
std::string_view log_level_name(LogLevel level);

// Opaque cursors for list pagination. decode returns nullopt for anything we did not issue.
std::string encode_cursor(std::size_t offset);
std::optional<std::size_t> decode_cursor(std::string_view cursor);

}  // namespace fini::mcp
