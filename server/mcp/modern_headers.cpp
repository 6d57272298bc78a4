#include "mcp/modern_headers.hpp"

#include <openssl/evp.h>

#include <vector>

namespace fini::mcp::modern {

using jsonrpc::Error;

namespace {

Error mismatch(std::string message) { return Error{kHeaderMismatch, "Header mismatch: " + message, nullptr}; }

// The body value Mcp-Name mirrors, for the methods that have one.
std::optional<std::string> named(const jsonrpc::Request& request) {
  const char* field = nullptr;
  if (request.method == "tools/call" || request.method == "prompts/get") field = "name";
  if (request.method == "resources/read") field = "uri";
  if (field == nullptr || !request.params.is_object()) return std::nullopt;
  auto it = request.params.find(field);
  if (it == request.params.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

std::optional<std::string> decode_header_value(std::string_view value) {
  constexpr std::string_view kPrefix = "=?base64?", kSuffix = "?=";
  if (value.size() < kPrefix.size() + kSuffix.size() || value.substr(0, kPrefix.size()) != kPrefix ||
      value.substr(value.size() - kSuffix.size()) != kSuffix) {
    return std::string(value);
  }
  const std::string_view b64 = value.substr(kPrefix.size(), value.size() - kPrefix.size() - kSuffix.size());
  if (b64.size() % 4 != 0) return std::nullopt;
  std::vector<unsigned char> out(b64.size() / 4 * 3 + 1);
  const int n =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  for (std::size_t i = b64.size(); i > 0 && b64[i - 1] == '=' && size > 0; --i) --size;  // padding bytes
  return std::string(reinterpret_cast<char*>(out.data()), size);
}

std::optional<Error> check_headers(const MessageHeaders& headers, const jsonrpc::Request& request,
                                   const std::variant<RequestMeta, Error>& meta) {
  if (!headers.version) return mismatch("the MCP-Protocol-Version header is required");
  if (!headers.method) return mismatch("the Mcp-Method header is required");
  const auto* error = std::get_if<Error>(&meta);
  if (error != nullptr && error->code != kUnsupportedProtocolVersion) return *error;
  const auto body_version = meta_version(request.params);
  if (*headers.version != body_version.value_or("")) {
    return mismatch("MCP-Protocol-Version does not match _meta[\"" + std::string(kVersionKey) + "\"]");
  }
  if (error != nullptr) return *error;  // -32022
  if (*headers.method != request.method) return mismatch("Mcp-Method does not match the body's method");
  if (auto body_name = named(request)) {
    if (!headers.name) return mismatch("the Mcp-Name header is required for " + request.method);
    auto decoded = decode_header_value(*headers.name);
    if (!decoded) return mismatch("Mcp-Name is not valid base64 inside =?base64?…?=");
    if (*decoded != *body_name) return mismatch("Mcp-Name does not match the body");
  }
  return std::nullopt;
}

}  // namespace fini::mcp::modern
