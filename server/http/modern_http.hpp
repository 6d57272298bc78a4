#pragma once
// The Streamable HTTP rules of MCP 2026-07-28 that sit above the JSON-RPC body: which POSTs take
// the modern path. The header checks themselves belong to the modern era, which runs them
// against the _meta it reads once (mcp/modern_headers); they are reachable here for callers that
// hold only the headers. Pure functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "jsonrpc/message.hpp"
#include "mcp/era.hpp"

namespace fini::http {

using ModernHeaders = mcp::MessageHeaders;

// A POST is modern when its MCP-Protocol-Version names a modern revision or its body carries
// the modern _meta marker; everything else is the legacy transport.
bool is_modern_post(const std::optional<std::string>& version_header, const jsonrpc::Json& params);
// The error a modern request's headers earn, or nullopt (reads _meta itself).
std::optional<jsonrpc::Error> check_modern_headers(const ModernHeaders& headers, const jsonrpc::Request& request);
// An Mcp-Name / Mcp-Param value: "=?base64?…?=" decoded, anything else as is; nullopt when the
// sentinel wraps invalid base64.
std::optional<std::string> decode_header_value(std::string_view value);

}  // namespace fini::http
