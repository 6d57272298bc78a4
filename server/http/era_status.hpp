#pragma once
// Where the eras meet HTTP, in one place: which era a POST speaks (its MCP-Protocol-Version
// header and its body's _meta), the headers handed to the era's check, and the HTTP status of
// each kind of refusal. Pure functions; thread-safe.

#include <optional>
#include <string>

#include "mcp/era.hpp"
#include "mcp/eras.hpp"

namespace httplib {
struct Request;
}  // namespace httplib

namespace fini::http {

// A POST is modern (2026-07-28) when its MCP-Protocol-Version names a modern revision or its body
// carries the modern _meta marker; everything else takes the legacy path.
bool is_modern_post(const std::optional<std::string>& version_header, const mcp::Json& params);
// The era of a POST with these params; null: a version header no era serves (400).
mcp::Era* era_for_post(mcp::Eras& eras, const httplib::Request& req, const mcp::Json& params);
// The headers the 2026-07-28 binding mirrors from the body.
mcp::MessageHeaders message_headers(const httplib::Request& req);
// A refusal's HTTP status: an ordinary error reply 200, a request that breaks its era's rules
// 400, a method its era does not have 404.
int http_status(mcp::Refusal::Kind kind);
// The /metrics reason of a refusal answered with a status other than 200.
const char* rejected_reason(mcp::Refusal::Kind kind);

}  // namespace fini::http
