#pragma once
// Several providers served as one: tools/resources listed in order, and a call or read goes to
// the first provider that knows the name (NotFound falls through to the next). Lets the session
// serve the manifest tools plus local tools (export), and skills plus export files, without
// either side knowing of the other. Thread-safe if the parts are; holds no state of its own.

#include <vector>

#include "mcp/providers.hpp"

namespace fini::mcp {

class CompositeToolProvider final : public ToolProvider {
 public:
  explicit CompositeToolProvider(std::vector<ToolProvider*> parts) : parts_(std::move(parts)) {}
  std::vector<Json> list_tools() const override;
  std::vector<Json> list_tools_for(const CallContext& ctx) const override;
  Result<Json> call_tool(const std::string& name, const Json& arguments, CallContext& ctx) override;

 private:
  std::vector<ToolProvider*> parts_;
};

class CompositeResourceProvider final : public ResourceProvider {
 public:
  explicit CompositeResourceProvider(std::vector<const ResourceProvider*> parts) : parts_(std::move(parts)) {}
  std::vector<Json> list_resources() const override;
  std::vector<Json> list_resource_templates() const override;
  Result<Json> read_resource(const std::string& uri) const override;

 private:
  std::vector<const ResourceProvider*> parts_;
};

}  // namespace fini::mcp
