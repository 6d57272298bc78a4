#pragma once
// The Streamable HTTP rules of MCP 2026-07-28 that sit above the JSON-RPC body
// (basic/transports/streamable-http.mdx §Request Metadata, §Server Validation): which POSTs take
// the modern path, and the header checks in the order the revision's validation applies them
// (a missing header → -32020; missing _meta → -32602; header ≠ _meta version → -32020; a version
// not served → -32022; Mcp-Method/Mcp-Name ≠ body → -32020). Pure functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "jsonrpc/message.hpp"

namespace fini::http {

struct ModernHeaders {
  std::optional<std::string> version;  // MCP-Protocol-Version
  std::optional<std::string> method;   // Mcp-Method
  std::optional<std::string> name;     // Mcp-Name
};

// A POST is modern when its MCP-Protocol-Version names a modern revision or its body carries
// the modern _meta marker; everything else is the legacy transport.
bool is_modern_post(const std::optional<std::string>& version_header, const jsonrpc::Json& params);
// The error a modern request's headers earn, or nullopt.
std::optional<jsonrpc::Error> check_modern_headers(const ModernHeaders& headers, const jsonrpc::Request& request);
// An Mcp-Name / Mcp-Param value: "=?base64?…?=" decoded, anything else as is; nullopt when the
// sentinel wraps invalid base64.
std::optional<std::string> decode_header_value(std::string_view value);

}  // namespace fini::http
