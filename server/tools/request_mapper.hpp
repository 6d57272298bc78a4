#pragma once
// Maps validated tool arguments to the HTTP request the manifest declares: path values
// percent-encoded as exactly one segment each, query arrays in the declared style, a JSON body
// of the body properties, multipart for form properties. Pure; thread-safe; never throws.

#include <nlohmann/json.hpp>

#include "common/status.hpp"
#include "rest/http_client.hpp"
#include "tools/manifest.hpp"

namespace fini::tools {

// The returned request has no bearer token yet. kInvalidArgument when a path value is missing
// or empty (the schema makes path properties required, so this is a second guard).
Result<rest::HttpRequest> map_request(const Manifest& manifest, const nlohmann::json& arguments);

}  // namespace fini::tools
