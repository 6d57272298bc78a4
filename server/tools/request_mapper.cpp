#include "tools/request_mapper.hpp"

#include "rest/encoding.hpp"

namespace fini::tools {

namespace {

std::string scalar_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();  // numbers (and, defensively, objects) in JSON form
}

}  // namespace

Result<rest::HttpRequest> map_request(const Manifest& manifest, const nlohmann::json& arguments) {
  rest::HttpRequest req;
  req.method = manifest.request.method;
  req.read_timeout = manifest.request.timeout_ms
                         ? std::optional(std::chrono::milliseconds(*manifest.request.timeout_ms))
                         : std::nullopt;
  req.allow_in_read_only = manifest.read_only();
  if (manifest.request.file_response) req.accept = "*/*";

  std::string path = manifest.request.path;
  nlohmann::json body = nlohmann::json::object();
  bool has_body_params = false;
  for (const auto& param : manifest.params) {
    if (param.location == ParamLocation::kBody) has_body_params = true;
    auto it = arguments.find(param.name);
    const bool present = it != arguments.end() && !it->is_null();
    switch (param.location) {
      case ParamLocation::kPath: {
        const std::string placeholder = "{" + param.wire_name + "}";
        if (!present || scalar_text(*it).empty()) {
          return invalid_argument("'" + param.name + "' is required and must not be empty");
        }
        const std::string segment = rest::percent_encode_segment(scalar_text(*it));
        for (auto pos = path.find(placeholder); pos != std::string::npos;
             pos = path.find(placeholder, pos + segment.size())) {
          path.replace(pos, placeholder.size(), segment);
        }
        break;
      }
      case ParamLocation::kQuery:
        if (!present) break;
        if (it->is_array()) {
          if (param.style == "csv") {
            std::string joined;
            for (const auto& item : *it) joined += (joined.empty() ? "" : ",") + scalar_text(item);
            req.query.emplace_back(param.wire_name, joined);
          } else {
            for (const auto& item : *it) req.query.emplace_back(param.wire_name, scalar_text(item));
          }
        } else {
          req.query.emplace_back(param.wire_name, scalar_text(*it));
        }
        break;
      case ParamLocation::kBody:
        if (present) body[param.wire_name] = *it;
        break;
      case ParamLocation::kForm: {
        if (!present) break;
        rest::MultipartPart part{param.wire_name, scalar_text(*it), "", ""};
        if (param.form_file) {
          part.filename = param.form_file->filename;
          part.content_type = param.form_file->content_type;
        }
        req.multipart.push_back(std::move(part));
        break;
      }
    }
  }
  req.path = std::move(path);
  if (has_body_params) {
    req.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    req.content_type = "application/json";
  }
  return req;
}

}  // namespace fini::tools
