#include "http/era_status.hpp"

#include <httplib.h>

#include "http/guards.hpp"
#include "mcp/modern_meta.hpp"

namespace fini::http {

namespace {

std::optional<std::string> header(const httplib::Request& req, const char* name) {
  if (!req.has_header(name)) return std::nullopt;
  return req.get_header_value(name);
}

}  // namespace

bool is_modern_post(const std::optional<std::string>& version_header, const mcp::Json& params) {
  if (version_header && mcp::modern::is_modern_version(*version_header)) return true;
  return mcp::modern::is_modern(params);
}

mcp::Era* era_for_post(mcp::Eras& eras, const httplib::Request& req, const mcp::Json& params) {
  const auto version = header(req, "MCP-Protocol-Version");
  if (is_modern_post(version, params)) return &eras.modern;
  if (!protocol_version(version.value_or(""), version.has_value())) return nullptr;
  return &eras.legacy;
}

mcp::MessageHeaders message_headers(const httplib::Request& req) {
  return mcp::MessageHeaders{header(req, "MCP-Protocol-Version"), header(req, "Mcp-Method"), header(req, "Mcp-Name")};
}

int http_status(mcp::Refusal::Kind kind) {
  switch (kind) {
    case mcp::Refusal::Kind::kAnswer: return 200;
    case mcp::Refusal::Kind::kInvalid: return 400;
    case mcp::Refusal::Kind::kUnknownMethod: return 404;
  }
  return 200;
}

const char* rejected_reason(mcp::Refusal::Kind kind) {
  return kind == mcp::Refusal::Kind::kUnknownMethod ? "method_not_found" : "modern_request";
}

}  // namespace fini::http
