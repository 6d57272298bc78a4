#include "http/modern_http.hpp"

#include "mcp/modern_headers.hpp"
#include "mcp/modern_meta.hpp"

namespace fini::http {

namespace modern = mcp::modern;
using jsonrpc::Json;

bool is_modern_post(const std::optional<std::string>& version_header, const Json& params) {
  if (version_header && modern::is_modern_version(*version_header)) return true;
  return modern::is_modern(params);
}

std::optional<jsonrpc::Error> check_modern_headers(const ModernHeaders& headers, const jsonrpc::Request& request) {
  return modern::check_headers(headers, request, modern::read_meta(request.params));
}

std::optional<std::string> decode_header_value(std::string_view value) { return modern::decode_header_value(value); }

}  // namespace fini::http
