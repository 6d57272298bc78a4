#pragma once
// MCP 2026-07-28 ("modern era") request metadata: a modern request carries its protocol
// version, its capabilities for this request only, and optionally a log level in params._meta
// (basic/index.mdx §_meta). This module recognises such a request and checks that metadata;
// it knows nothing about transports or methods. Pure functions; thread-safe.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "jsonrpc/message.hpp"
#include "mcp/protocol.hpp"
#include "mcp/providers.hpp"

namespace fini::mcp::modern {

inline constexpr std::string_view kVersion = "2026-07-28";
inline constexpr const char* kVersionKey = "io.modelcontextprotocol/protocolVersion";
inline constexpr const char* kCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities";
inline constexpr const char* kClientInfoKey = "io.modelcontextprotocol/clientInfo";
inline constexpr const char* kLogLevelKey = "io.modelcontextprotocol/logLevel";
inline constexpr const char* kServerInfoKey = "io.modelcontextprotocol/serverInfo";

// Error codes of the revision (schema.ts).
inline constexpr int kHeaderMismatch = -32020;
inline constexpr int kMissingRequiredClientCapability = -32021;
inline constexpr int kUnsupportedProtocolVersion = -32022;
// Legacy "resource not found": a modern server answers -32602 with data.uri instead.
inline constexpr int kLegacyResourceNotFound = -32002;

// Every revision this server serves, newest first (server/discover, -32022 data.supported).
inline constexpr std::array<std::string_view, 5> kServedVersions = {"2026-07-28", "2025-11-25", "2025-06-18",
                                                                    "2025-03-26", "2024-11-05"};
bool is_modern_version(std::string_view version);  // served statelessly with per-request _meta

// What one modern request declared about itself.
struct RequestMeta {
  std::string version;
  ClientInfo client;                  // capabilities of this request only
  std::optional<LogLevel> log_level;  // absent: no notifications/message for this request
  Json progress_token;                // null: no progress asked for
};

// Whether the message speaks the modern era: its _meta names a protocol version. Legacy _meta
// never holds that key (it may hold progressToken).
bool is_modern(const Json& params);
// The version the request names in _meta, if any (for HTTP header comparisons).
std::optional<std::string> meta_version(const Json& params);

// The request's metadata, or the error to answer: missing _meta/version/capabilities → -32602,
// a version this server does not serve → -32022 with data {supported, requested}, a bad log
// level → -32602.
std::variant<RequestMeta, jsonrpc::Error> read_meta(const Json& params);

// Capabilities a client declared, as the ClientInfo the call path reads (elicitation modes).
ClientInfo client_from_capabilities(const Json& capabilities, std::string version);

}  // namespace fini::mcp::modern
