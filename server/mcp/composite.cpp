#include "mcp/composite.hpp"

namespace fini::mcp {

std::vector<Json> CompositeToolProvider::list_tools() const {
  std::vector<Json> out;
  for (const auto* p : parts_) {
    auto tools = p->list_tools();
    out.insert(out.end(), std::make_move_iterator(tools.begin()), std::make_move_iterator(tools.end()));
  }
  return out;
}

std::vector<Json> CompositeToolProvider::list_tools_for(const CallContext& ctx) const {
  std::vector<Json> out;
  for (const auto* p : parts_) {
    auto tools = p->list_tools_for(ctx);
    out.insert(out.end(), std::make_move_iterator(tools.begin()), std::make_move_iterator(tools.end()));
  }
  return out;
}

Result<Json> CompositeToolProvider::call_tool(const std::string& name, const Json& arguments, CallContext& ctx) {
  for (auto* p : parts_) {
    auto result = p->call_tool(name, arguments, ctx);
    if (result.ok() || result.status().code() != Code::kNotFound) return result;
  }
  return Status(Code::kNotFound, "Unknown tool: " + name);
}

std::vector<Json> CompositeResourceProvider::list_resources() const {
  std::vector<Json> out;
  for (const auto* p : parts_) {
    auto list = p->list_resources();
    out.insert(out.end(), std::make_move_iterator(list.begin()), std::make_move_iterator(list.end()));
  }
  return out;
}

std::vector<Json> CompositeResourceProvider::list_resource_templates() const {
  std::vector<Json> out;
  for (const auto* p : parts_) {
    auto list = p->list_resource_templates();
    out.insert(out.end(), std::make_move_iterator(list.begin()), std::make_move_iterator(list.end()));
  }
  return out;
}

Result<Json> CompositeResourceProvider::read_resource(const std::string& uri) const {
  for (const auto* p : parts_) {
    auto result = p->read_resource(uri);
    if (result.ok() || result.status().code() != Code::kNotFound) return result;
  }
  return Status(Code::kNotFound, "Resource not found: " + uri);
}

}  // namespace fini::mcp
