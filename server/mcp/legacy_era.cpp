#include "mcp/legacy_era.hpp"

namespace fini::mcp {

using jsonrpc::Error;
using jsonrpc::make_error;

namespace {

Refusal invalid_request(const Json& id, const std::string& message) {
  return Refusal{make_error(id, Error{jsonrpc::kInvalidRequest, message, nullptr}), Refusal::Kind::kAnswer};
}

}  // namespace

Legacy2025::Legacy2025(Dispatcher& dispatcher, Options options)
    : dispatcher_(dispatcher), options_(std::move(options)) {
  client_.stateless = !options_.session;  // nothing can be asked mid-call without a session
}

Checked Legacy2025::check(jsonrpc::Request request, const MessageHeaders*) {
  const std::string& method = request.method;
  if (options_.session && method == "initialize" && initialized_.load()) {
    return invalid_request(request.id, "Invalid Request: already initialized");
  }
  if (options_.session && method != "initialize" && method != "ping" && dispatcher_.knows(method) &&
      !initialized_.load()) {
    return invalid_request(request.id, "Invalid Request: the session is not initialized; send initialize first");
  }
  if (!Dispatcher::is_tool_call(method)) return CheckedCall{std::move(request), client_, std::nullopt, nullptr, {}};
  if (auto bad = dispatcher_.check_call(request)) return Refusal{std::move(*bad), Refusal::Kind::kAnswer};
  std::string tool = request.params["name"].get<std::string>();
  Json token = progress_token(request.params);
  return CheckedCall{std::move(request), client_, std::nullopt, std::move(token), std::move(tool)};
}

Json Legacy2025::handle(const CheckedCall& call, CallContext& ctx) {
  if (options_.session && call.request.method == "initialize") return initialize(call.request);
  Caller caller;
  caller.context = &ctx;  // tools/list: whose surface (the process's key on stdio, the bearer's on HTTP)
  caller.set_log_level = options_.set_log_level;
  return dispatcher_.handle(call.request, caller);
}

Json Legacy2025::call_tool(const CheckedCall& call, CallContext& ctx) {
  return dispatcher_.call_tool(call.request, ctx);
}

Json Legacy2025::initialize(const jsonrpc::Request& request) {
  Caller caller;
  caller.client = &client_;
  Json reply = dispatcher_.handle(request, caller);
  if (reply.contains("result")) initialized_ = true;
  return reply;
}

}  // namespace fini::mcp
