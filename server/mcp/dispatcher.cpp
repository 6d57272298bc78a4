#include "mcp/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include "common/version.hpp"

namespace fini::mcp {

using jsonrpc::Error;
using jsonrpc::make_error;
using jsonrpc::make_result;

namespace {

Json invalid_params(const Json& id, std::string message) {
  return make_error(id, Error{jsonrpc::kInvalidParams, std::move(message), nullptr});
}

bool has_string(const Json& params, const char* key) {
  return params.is_object() && params.contains(key) && params[key].is_string();
}

}  // namespace

Result<Json> BasicCallContext::request(const std::string& method, const Json&, std::chrono::milliseconds) {
  // Transports without a way back to the client (stateless HTTP) say so; callers fall back as
  // for a client that declared no such capability.
  return Status(Code::kFailedPrecondition, method + " is not available on this connection");
}

Json error_reply(const Json& id, const Status& status, int default_code) {
  int code = default_code;
  if (status.code() == Code::kNotFound || status.code() == Code::kInvalidArgument) code = jsonrpc::kInvalidParams;
  return make_error(id, Error{code, status.message(), nullptr});
}

Dispatcher::Dispatcher(DispatchOptions options) : options_(std::move(options)) { register_methods(); }

void Dispatcher::register_methods() {
  methods_["initialize"] = [this](const jsonrpc::Request& r, Caller& c) { return initialize(r, c); };
  methods_["ping"] = [](const jsonrpc::Request& r, Caller&) { return make_result(r.id, Json::object()); };
  methods_["logging/setLevel"] = [this](const jsonrpc::Request& r, Caller& c) { return set_level(r, c); };
  methods_["tools/list"] = [this](const jsonrpc::Request& r, Caller& c) {
    if (tools_ == nullptr) return list(r, "tools", {});
    return list(r, "tools", c.context != nullptr ? tools_->list_tools_for(*c.context) : tools_->list_tools());
  };
  methods_["tools/call"] = [this](const jsonrpc::Request& r, Caller& c) {
    if (auto bad = check_call(r)) return *bad;
    if (c.context == nullptr)
      return make_error(r.id, Error{jsonrpc::kInternalError, "Internal error: no call context", nullptr});
    return call_tool(r, *c.context);
  };
}

void Dispatcher::set_prompts(PromptProvider* prompts) {
  prompts_ = prompts;
  if (prompts_ == nullptr) return;
  methods_["prompts/list"] = [this](const jsonrpc::Request& r, Caller&) {
    return list(r, "prompts", prompts_->list_prompts());
  };
  methods_["prompts/get"] = [this](const jsonrpc::Request& r, Caller&) { return get_prompt(r); };
}

void Dispatcher::set_resources(ResourceProvider* resources) {
  resources_ = resources;
  if (resources_ == nullptr) return;
  methods_["resources/list"] = [this](const jsonrpc::Request& r, Caller&) {
    return list(r, "resources", resources_->list_resources());
  };
  methods_["resources/templates/list"] = [this](const jsonrpc::Request& r, Caller&) {
    return list(r, "resourceTemplates", resources_->list_resource_templates());
  };
  methods_["resources/read"] = [this](const jsonrpc::Request& r, Caller&) { return read_resource(r); };
}

std::vector<std::string> Dispatcher::tool_names() const {
  std::vector<std::string> names;
  if (tools_ == nullptr) return names;
  for (const auto& tool : tools_->list_tools()) names.push_back(tool.value("name", ""));
  return names;
}

Json Dispatcher::handle(const jsonrpc::Request& request, Caller& caller) {
  if (!request.params.is_null() && !request.params.is_object()) {
    return invalid_params(request.id, "Invalid params: params must be an object");
  }
  auto it = methods_.find(request.method);
  if (it == methods_.end()) {
    return make_error(request.id, Error{jsonrpc::kMethodNotFound, "Method not found: " + request.method, nullptr});
  }
  try {
    return it->second(request, caller);
  } catch (const std::exception& e) {
    // The one catch-all of the core: a provider bug answers -32603 and the server keeps serving.
    spdlog::error("internal error in {}: {}", request.method, e.what());
    return make_error(request.id, Error{jsonrpc::kInternalError, "Internal error", nullptr});
  }
}

std::optional<Json> Dispatcher::check_call(const jsonrpc::Request& request) const {
  const Json& params = request.params;
  if (!params.is_null() && !params.is_object())
    return invalid_params(request.id, "Invalid params: params must be an object");
  if (!has_string(params, "name")) return invalid_params(request.id, "Invalid params: \"name\" (string) is required");
  auto args = params.find("arguments");
  if (args != params.end() && !args->is_null() && !args->is_object()) {
    return invalid_params(request.id, "Invalid params: \"arguments\" must be an object");
  }
  if (tools_ == nullptr) return invalid_params(request.id, "Unknown tool: " + params["name"].get<std::string>());
  return std::nullopt;
}

Json Dispatcher::call_tool(const jsonrpc::Request& request, CallContext& ctx) {
  const std::string name = request.params["name"].get<std::string>();
  Json args = request.params.value("arguments", Json::object());
  if (args.is_null()) args = Json::object();  // missing arguments are {} (DESIGN §4)
  try {
    auto result = tools_->call_tool(name, args, ctx);
    return result.ok() ? make_result(request.id, std::move(*result))
                       : error_reply(request.id, result.status(), jsonrpc::kInternalError);
  } catch (const std::exception& e) {
    spdlog::error("tool '{}' failed internally: {}", name, e.what());
    return make_error(request.id, Error{jsonrpc::kInternalError, "Internal error while running tool " + name, nullptr});
  }
}

Json Dispatcher::initialize(const jsonrpc::Request& request, Caller& caller) const {
  const Json& params = request.params;
  if (!has_string(params, "protocolVersion")) {
    return invalid_params(request.id, "Invalid params: \"protocolVersion\" (string) is required");
  }
  ClientInfo client;
  client.protocol_version = negotiate_version(params["protocolVersion"].get<std::string>());
  if (auto info = params.find("clientInfo"); info != params.end() && info->is_object()) {
    client.name = info->value("name", "");
  }
  if (auto caps = params.find("capabilities"); caps != params.end() && caps->is_object()) {
    if (auto el = caps->find("elicitation"); el != caps->end() && el->is_object()) {
      // An empty elicitation object means form mode (backwards compatible with 2025-06-18).
      client.elicitation_form = el->empty() || el->contains("form");
      client.elicitation_url = el->contains("url");
    }
  }
  Json capabilities{{"tools", {{"listChanged", true}}}, {"logging", Json::object()}};
  if (prompts_ != nullptr) capabilities["prompts"] = {{"listChanged", false}};
  if (resources_ != nullptr) capabilities["resources"] = {{"listChanged", false}, {"subscribe", false}};
  Json server_info{{"name", kServerName}, {"title", options_.server_title}, {"version", kVersion}};
  Json result{{"protocolVersion", client.protocol_version},
              {"capabilities", std::move(capabilities)},
              {"serverInfo", std::move(server_info)}};
  if (!options_.instructions.empty()) result["instructions"] = options_.instructions;
  spdlog::info("initialize: client '{}' protocol {}", client.name, client.protocol_version);
  if (caller.client != nullptr) *caller.client = std::move(client);
  return make_result(request.id, std::move(result));
}

Json Dispatcher::set_level(const jsonrpc::Request& request, Caller& caller) const {
  const Json& params = request.params;
  if (!has_string(params, "level")) {
    return invalid_params(
        request.id,
        "Invalid params: \"level\" is required (debug, info, notice, warning, error, critical, alert, emergency)");
  }
  auto level = parse_log_level(params["level"].get<std::string>());
  if (!level) {
    return invalid_params(request.id,
                          "Invalid params: unknown log level \"" + params["level"].get<std::string>() +
                              "\" (expected debug, info, notice, warning, error, critical, alert or emergency)");
  }
  if (caller.set_log_level) caller.set_log_level(*level);
  return make_result(request.id, Json::object());
}

Json Dispatcher::list(const jsonrpc::Request& request, const char* key, std::vector<Json> items) const {
  const Json& params = request.params;
  std::size_t offset = 0;
  if (params.is_object() && params.contains("cursor") && !params["cursor"].is_null()) {
    const Json& cursor = params["cursor"];
    std::optional<std::size_t> decoded;
    if (cursor.is_string()) decoded = decode_cursor(cursor.get<std::string>());
    if (!decoded || *decoded >= items.size()) return invalid_params(request.id, "Invalid params: invalid cursor");
    offset = *decoded;
  }
  std::size_t end = items.size();
  if (options_.page_size > 0) end = std::min(items.size(), offset + options_.page_size);
  Json page = Json::array();
  for (std::size_t i = offset; i < end; ++i) page.push_back(std::move(items[i]));
  Json result{{key, std::move(page)}};
  if (end < items.size()) result["nextCursor"] = encode_cursor(end);
  return make_result(request.id, std::move(result));
}

Json Dispatcher::get_prompt(const jsonrpc::Request& request) const {
  const Json& params = request.params;
  if (!has_string(params, "name")) return invalid_params(request.id, "Invalid params: \"name\" (string) is required");
  Json args = params.value("arguments", Json::object());
  if (args.is_null()) args = Json::object();
  if (!args.is_object()) return invalid_params(request.id, "Invalid params: \"arguments\" must be an object");
  auto result = prompts_->get_prompt(params["name"].get<std::string>(), args);
  return result.ok() ? make_result(request.id, std::move(*result))
                     : error_reply(request.id, result.status(), jsonrpc::kInternalError);
}

Json Dispatcher::read_resource(const jsonrpc::Request& request) const {
  const Json& params = request.params;
  if (!has_string(params, "uri")) return invalid_params(request.id, "Invalid params: \"uri\" (string) is required");
  auto result = resources_->read_resource(params["uri"].get<std::string>());
  if (result.ok()) return make_result(request.id, std::move(*result));
  if (result.status().code() == Code::kNotFound) {
    return make_error(request.id, Error{-32002, result.status().message(), Json{{"uri", params["uri"]}}});
  }
  return error_reply(request.id, result.status(), jsonrpc::kInternalError);
}

}  // namespace fini::mcp
