#include "mcp/modern_meta.hpp"

#include "mcp/era.hpp"

namespace fini::mcp::modern {

namespace {

jsonrpc::Error invalid(std::string message) {
  return jsonrpc::Error{jsonrpc::kInvalidParams, std::move(message), nullptr};
}

const Json* find_meta(const Json& params) {
  if (!params.is_object()) return nullptr;
  auto meta = params.find("_meta");
  if (meta == params.end() || !meta->is_object()) return nullptr;
  return &*meta;
}

}  // namespace

bool is_modern_version(std::string_view version) { return version == kVersion; }

bool is_modern(const Json& params) {
  const Json* meta = find_meta(params);
  return meta != nullptr && meta->contains(kVersionKey);
}

std::optional<std::string> meta_version(const Json& params) {
  const Json* meta = find_meta(params);
  if (meta == nullptr) return std::nullopt;
  auto v = meta->find(kVersionKey);
  if (v == meta->end() || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

ClientInfo client_from_capabilities(const Json& capabilities, std::string version) {
  ClientInfo client;
  client.protocol_version = std::move(version);
  if (auto el = capabilities.find("elicitation"); el != capabilities.end() && el->is_object()) {
    client.elicitation_form = el->empty() || el->contains("form");  // {} means form, as in 2025-11-25
    client.elicitation_url = el->contains("url");
  }
  return client;
}

std::variant<RequestMeta, jsonrpc::Error> read_meta(const Json& params) {
  if (!params.is_null() && !params.is_object()) return invalid("Invalid params: params must be an object");
  const Json* meta = find_meta(params);
  if (meta == nullptr) {
    return invalid(
        "Invalid params: params._meta is required (io.modelcontextprotocol/protocolVersion and "
        "io.modelcontextprotocol/clientCapabilities)");
  }
  auto version = meta->find(kVersionKey);
  if (version == meta->end() || !version->is_string()) {
    return invalid(std::string("Invalid params: _meta[\"") + kVersionKey + "\"] (string) is required");
  }
  auto caps = meta->find(kCapabilitiesKey);
  if (caps == meta->end() || !caps->is_object()) {
    return invalid(std::string("Invalid params: _meta[\"") + kCapabilitiesKey + "\"] (object) is required");
  }
  const std::string requested = version->get<std::string>();
  if (!is_modern_version(requested)) {
    Json supported = Json::array();
    for (auto v : kServedVersions) supported.push_back(std::string(v));
    return jsonrpc::Error{kUnsupportedProtocolVersion,
                          "Unsupported protocol version (" + requested.substr(0, 64) +
                              "); earlier revisions are served after an initialize handshake",
                          Json{{"supported", std::move(supported)}, {"requested", *version}}};
  }
  RequestMeta out;
  out.version = requested;
  out.client = client_from_capabilities(*caps, requested);
  if (auto info = meta->find(kClientInfoKey); info != meta->end() && info->is_object()) {
    out.client.name = info->value("name", "");
  }
  if (auto level = meta->find(kLogLevelKey); level != meta->end()) {
    std::optional<LogLevel> parsed;
    if (level->is_string()) parsed = parse_log_level(level->get<std::string>());
    if (!parsed) {
      return invalid(std::string("Invalid params: _meta[\"") + kLogLevelKey +
                     "\"] must be debug, info, notice, warning, error, critical, alert or emergency");
    }
    out.log_level = parsed;
  }
  out.progress_token = progress_token(params);
  return out;
}

}  // namespace fini::mcp::modern
