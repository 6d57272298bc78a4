#include "jsonrpc/message.hpp"

#include "common/safe_json.hpp"

namespace fini::jsonrpc {

namespace {

// MCP ids are strings or integers. A float, or an integer beyond 64 bits (which the parser can
// only hold as a float), could not be echoed back unchanged, so it is refused.
bool valid_id(const Json& id) { return id.is_string() || id.is_number_integer() || id.is_number_unsigned(); }

Invalid invalid_request(Json id, std::string message) {
  return Invalid{std::move(id), Error{kInvalidRequest, std::move(message), nullptr}};
}

}  // namespace

Message classify(const Json& value) {
  if (value.is_array()) return Batch{value};
  if (!value.is_object()) return invalid_request(nullptr, "Invalid Request: message must be a JSON object");

  // Best-effort id for the error reply: echo it only when it is a legal id.
  Json id = nullptr;
  auto id_it = value.find("id");
  const bool has_id = id_it != value.end();
  if (has_id && valid_id(*id_it)) id = *id_it;

  auto version = value.find("jsonrpc");
  if (version == value.end() || !version->is_string() || version->get_ref<const std::string&>() != "2.0") {
    return invalid_request(id, "Invalid Request: \"jsonrpc\" must be \"2.0\"");
  }

  auto method_it = value.find("method");
  if (method_it == value.end()) {
    // A response to one of our requests.
    auto result = value.find("result");
    auto error = value.find("error");
    if (!has_id || !valid_id(*id_it) || (result == value.end()) == (error == value.end())) {
      return invalid_request(id, "Invalid Request: missing \"method\"");
    }
    Response response{*id_it, std::nullopt, std::nullopt};
    if (result != value.end()) {
      response.result = *result;
    } else {
      Error e;
      if (error->is_object()) {
        auto code = error->find("code");
        auto message = error->find("message");
        if (code != error->end() && code->is_number_integer()) e.code = code->get<int>();
        if (message != error->end() && message->is_string()) e.message = message->get<std::string>();
        if (auto data = error->find("data"); data != error->end()) e.data = *data;
      }
      response.error = std::move(e);
    }
    return response;
  }

  if (!method_it->is_string()) return invalid_request(id, "Invalid Request: \"method\" must be a string");
  auto params_it = value.find("params");
  Json params = nullptr;
  if (params_it != value.end()) {
    if (!params_it->is_object() && !params_it->is_array()) {
      return invalid_request(id, "Invalid Request: \"params\" must be an object or array");
    }
    params = *params_it;
  }
  if (!has_id) return Notification{method_it->get<std::string>(), std::move(params)};
  if (!valid_id(*id_it)) {
    return invalid_request(nullptr, "Invalid Request: \"id\" must be a string or an integer (at most 64 bits)");
  }
  return Request{*id_it, method_it->get<std::string>(), std::move(params)};
}

Message parse_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  SafeParse parsed = parse_json_safely(line, kMaxJsonDepth, kMaxMessageElements);
  if (parsed.error) {
    std::string message = "Parse error";
    if (parsed.value.is_discarded() && *parsed.error != "invalid JSON") message += ": " + *parsed.error;
    return Invalid{nullptr, Error{kParseError, std::move(message), nullptr}};
  }
  return classify(parsed.value);
}

Json make_result(const Json& id, Json result) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

Json make_error(const Json& id, const Error& error) {
  Json e{{"code", error.code}, {"message", error.message}};
  if (!error.data.is_null()) e["data"] = error.data;
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(e)}};
}

Json make_request(const Json& id, std::string_view method, Json params) {
  Json r{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) r["params"] = std::move(params);
  return r;
}

Json make_notification(std::string_view method, Json params) {
  Json n{{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) n["params"] = std::move(params);
  return n;
}

std::string serialize(const Json& message) { return message.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace fini::jsonrpc
