#pragma once
// Turns an HTTP outcome into an MCP CallToolResult: 2xx → structuredContent (consistent with
// the manifest's outputSchema) plus the same JSON as text; anything else → isError with the
// status, Fini's message and the next step a model can act on. Pure; thread-safe.

#include <nlohmann/json.hpp>

#include "common/status.hpp"
#include "rest/http_client.hpp"
#include "tools/manifest.hpp"

namespace fini::tools {

nlohmann::json tool_error(const std::string& text);
nlohmann::json shape_response(const Manifest& manifest, const rest::HttpResponse& response);
// The same, taking the body send_with_retry parsed (response.json_body, moved out) instead of
// parsing it again. with_text false: a 2xx result carries structuredContent only, and the caller
// adds the text block once the content is final (FiniToolProvider::fit serialises it once).
nlohmann::json shape_response(const Manifest& manifest, rest::HttpResponse& response, bool with_text);
nlohmann::json shape_transport_error(const Manifest& manifest, const Status& status, const std::string& base_url);

}  // namespace fini::tools
