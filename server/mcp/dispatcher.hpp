#pragma once
// The transport-independent MCP core: a registered method table (initialize, ping, tools/*,
// prompts/*, resources/*, logging/setLevel), list pagination with opaque cursors, and the
// mapping of provider Status codes to JSON-RPC errors. Transports (the stdio Session, the
// Streamable HTTP server) own framing, lifecycle and threads; they hand each request here with a
// Caller describing what this one request may touch. Thread-safe once the providers are set
// (the table is built at construction and by the setters, before serving starts).

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "jsonrpc/message.hpp"
#include "mcp/providers.hpp"

namespace fini::mcp {

struct DispatchOptions {
  std::string server_title = "Fini";
  std::string instructions;
  std::size_t page_size = 0;  // 0: lists return everything in one page
};

// What a transport tells the dispatcher about one request.
struct Caller {
  // The request's call context: tools/call runs with it; tools/list asks it whose surface to show.
  CallContext* context = nullptr;
  // initialize: where the client's declared capabilities go (null: not kept, e.g. stateless HTTP).
  ClientInfo* client = nullptr;
  // logging/setLevel: what to do with the level (null: accepted, nothing to remember).
  std::function<void(LogLevel)> set_log_level;
};

// A CallContext with nothing behind it beyond a cancel token and the client's capabilities:
// no progress, no logs, no server→client requests. Transports extend it.
class BasicCallContext : public CallContext {
 public:
  explicit BasicCallContext(const ClientInfo& client) : client_(client) {}
  const CancelToken& cancel_token() const override { return cancel_; }
  CancelToken& token() { return cancel_; }
  void progress(double, std::optional<double>, const std::string&) override {}
  void log(LogLevel, const std::string&, const Json&) override {}
  const ClientInfo& client() const override { return client_; }
  Result<Json> request(const std::string& method, const Json&, std::chrono::milliseconds) override;
  void notify(const std::string&, const Json&) override {}

 private:
  const ClientInfo& client_;
  CancelToken cancel_;
};

class Dispatcher {
 public:
  explicit Dispatcher(DispatchOptions options);
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Set before serving; each registers its methods (and capability) in the table.
  void set_tools(ToolProvider* tools) { tools_ = tools; }
  void set_prompts(PromptProvider* prompts);
  void set_resources(ResourceProvider* resources);

  bool knows(const std::string& method) const { return methods_.count(method) > 0; }
  // Every tool's name (any caller's surface): e.g. the labels metrics may use.
  std::vector<std::string> tool_names() const;
  const DispatchOptions& options() const { return options_; }
  // tools/call is the one method that runs a tool: transports run it where they want (a worker,
  // a request thread) after check_call accepted its params on the reading thread.
  static bool is_tool_call(const std::string& method) { return method == "tools/call"; }
  std::optional<Json> check_call(const jsonrpc::Request& request) const;  // an error reply, or nullopt
  Json call_tool(const jsonrpc::Request& request, CallContext& ctx);

  // Any request: the reply, or a -32601 error for an unknown method. Never throws.
  Json handle(const jsonrpc::Request& request, Caller& caller);

 private:
  using Method = std::function<Json(const jsonrpc::Request&, Caller&)>;
  void register_methods();
  Json initialize(const jsonrpc::Request& request, Caller& caller) const;
  Json set_level(const jsonrpc::Request& request, Caller& caller) const;
  Json list(const jsonrpc::Request& request, const char* key, std::vector<Json> items) const;
  Json get_prompt(const jsonrpc::Request& request) const;
  Json read_resource(const jsonrpc::Request& request) const;

  DispatchOptions options_;
  std::map<std::string, Method> methods_;
  ToolProvider* tools_ = nullptr;
  PromptProvider* prompts_ = nullptr;
  ResourceProvider* resources_ = nullptr;
};

// A provider's Status as a JSON-RPC error reply: NotFound/InvalidArgument → -32602, else `default_code`.
Json error_reply(const Json& id, const Status& status, int default_code);

}  // namespace fini::mcp
