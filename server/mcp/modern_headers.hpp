#pragma once
// The header rules of MCP 2026-07-28's Streamable HTTP binding (basic/transports/
// streamable-http.mdx §Request Metadata, §Server Validation), checked by the modern era against
// the _meta it already read, in the order the revision applies them: a missing header → -32020;
// missing _meta → -32602; header ≠ _meta version → -32020; a version not served → -32022;
// Mcp-Method/Mcp-Name ≠ body → -32020. Pure functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "jsonrpc/message.hpp"
#include "mcp/era.hpp"
#include "mcp/modern_meta.hpp"

namespace fini::mcp::modern {

// The error a modern request's headers earn, or nullopt; `meta` is read_meta(request.params).
std::optional<jsonrpc::Error> check_headers(const MessageHeaders& headers, const jsonrpc::Request& request,
                                            const std::variant<RequestMeta, jsonrpc::Error>& meta);
// An Mcp-Name / Mcp-Param value: "=?base64?…?=" decoded, anything else as is; nullopt when the
// sentinel wraps invalid base64.
std::optional<std::string> decode_header_value(std::string_view value);

}  // namespace fini::mcp::modern
