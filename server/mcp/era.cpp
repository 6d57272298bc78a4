#include "mcp/era.hpp"

#include "mcp/dispatcher.hpp"

namespace fini::mcp {

Json progress_token(const Json& params) {
  if (!params.is_object()) return nullptr;
  auto meta = params.find("_meta");
  if (meta == params.end() || !meta->is_object()) return nullptr;
  auto token = meta->find("progressToken");
  if (token == meta->end() || !(token->is_string() || token->is_number_integer())) return nullptr;
  return *token;
}

Json answer(Era& era, const jsonrpc::Request& request, CallContext& ctx, const MessageHeaders* headers) {
  auto checked = era.check(request, headers);
  if (auto* refusal = std::get_if<Refusal>(&checked)) return std::move(refusal->reply);
  const auto& call = std::get<CheckedCall>(checked);
  return Dispatcher::is_tool_call(request.method) ? era.call_tool(call, ctx) : era.handle(call, ctx);
}

}  // namespace fini::mcp
