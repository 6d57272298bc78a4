#pragma once
// What the session serves, as interfaces: tools, prompts, resources. Implementations live in
// other modules (tools/, skills/) and are wired by cli/. All methods may be called concurrently
// from worker threads; implementations must be thread-safe and must not throw (the dispatcher
// catches anything that escapes and answers -32603).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/call_key.hpp"
#include "common/cancel.hpp"
#include "common/status.hpp"
#include "mcp/protocol.hpp"

namespace fini::mcp {

using Json = nlohmann::json;

struct ClientInfo {
  bool elicitation_form = false;
  bool elicitation_url = false;
  std::string name;
  std::string protocol_version;
  // A legacy-era request (2025-11-25 and earlier) over stateless HTTP: there is no session to
  // carry a question back, so nothing can be asked mid-call (--legacy-confirm decides instead).
  bool stateless = false;
};

// Per-call services a handler can use while it runs.
class CallContext {
 public:
  virtual ~CallContext() = default;
  // Cancelled by the client (notifications/cancelled), by shutdown past the drain, or when the
  // client disconnects; work that blocks (sockets, waits) registers on it to stop at once.
  virtual const CancelToken& cancel_token() const = 0;
  bool cancelled() const { return cancel_token().cancelled(); }
  // notifications/progress when the request carried _meta.progressToken; monotonic, and
  // silently dropped once the request has completed.
  virtual void progress(double progress, std::optional<double> total, const std::string& message) = 0;
  virtual void log(LogLevel level, const std::string& logger, const Json& data) = 0;
  virtual const ClientInfo& client() const = 0;
  // A server→client request (e.g. elicitation/create). Blocks until the reply, the timeout,
  // cancellation of this call, or disconnect. The reply's error becomes a non-OK Status.
  virtual Result<Json> request(const std::string& method, const Json& params, std::chrono::milliseconds timeout) = 0;
  virtual void notify(const std::string& method, const Json& params) = 0;
  // The caller's own Fini key when the transport carries one per request (HTTP bearer); empty:
  // the process's credentials decide (stdio). Never logged, stored or echoed (CallKey cannot be
  // printed; only its identity() may be kept).
  virtual const CallKey& call_key() const {
    static const CallKey none;
    return none;
  }
  // The tool pipeline reports each upstream answer (HTTP status; 0: no answer) for access logs
  // and metrics; transports that keep none ignore it.
  virtual void upstream_answered(int /*http_status*/) {}
};

class ToolProvider {
 public:
  virtual ~ToolProvider() = default;
  virtual std::vector<Json> list_tools() const = 0;
  // The surface as this caller sees it (e.g. what its key may do); default: list_tools().
  virtual std::vector<Json> list_tools_for(const CallContext& /*ctx*/) const { return list_tools(); }
  // NotFound → -32602 "Unknown tool: X"; InvalidArgument → -32602; other errors → -32603.
  // Tool-level failures are successful results with isError: true.
  virtual Result<Json> call_tool(const std::string& name, const Json& arguments, CallContext& ctx) = 0;
};

class PromptProvider {
 public:
  virtual ~PromptProvider() = default;
  virtual std::vector<Json> list_prompts() const = 0;
  // NotFound / InvalidArgument → -32602.
  virtual Result<Json> get_prompt(const std::string& name, const Json& arguments) const = 0;
};

class ResourceProvider {
 public:
  virtual ~ResourceProvider() = default;
  virtual std::vector<Json> list_resources() const = 0;
  virtual std::vector<Json> list_resource_templates() const = 0;
  // NotFound → -32002 (MCP "resource not found").
  virtual Result<Json> read_resource(const std::string& uri) const = 0;
};

}  // namespace fini::mcp
