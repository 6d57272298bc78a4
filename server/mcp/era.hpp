#pragma once
// An Era is one protocol generation served over the shared Dispatcher, as a strategy a transport
// picks once per message: Legacy2025 (2024-11-05 … 2025-11-25: initialize, session state,
// server→client requests) or Modern2026 (2026-07-28: the version and capabilities in each
// request's _meta, input-required results). A transport hands it each request and runs what it
// accepts; it never needs to know which era it holds.
//  - check() reads the request once (its _meta, its lifecycle, the headers the transport carried)
//    and returns the checked call, or the reply to send instead (and what kind of refusal it is);
//  - handle() answers a checked request other than tools/call at once;
//  - call_tool() runs a checked tools/call where the transport's engine runs it. The era builds
//    the CallContext the pipeline sees, so its asks (a confirmation, the key page) go where the
//    era says: a server→client request (legacy) or an input-required result (modern).
// Thread-safety: check() and handle() run on the transport's reading thread; call_tool() may run
// concurrently on workers.

#include <optional>
#include <string>
#include <variant>

#include "jsonrpc/message.hpp"
#include "mcp/providers.hpp"

namespace fini::mcp {

// Headers a transport carried beside the body (HTTP's MCP-Protocol-Version, Mcp-Method and
// Mcp-Name); stdio has none.
struct MessageHeaders {
  std::optional<std::string> version;
  std::optional<std::string> method;
  std::optional<std::string> name;
};

// A request its era accepted, with what the era read from it.
struct CheckedCall {
  jsonrpc::Request request;
  ClientInfo client;                  // what the client can do for this request
  std::optional<LogLevel> log_level;  // modern: the request's own _meta level
  Json progress_token;                // null: no progress asked for
  std::string tool;                   // tools/call: the tool's name
};

// A request that must not run, and the reply to send instead.
struct Refusal {
  enum class Kind {
    kAnswer,         // an ordinary error reply (bad params, lifecycle)
    kInvalid,        // the request breaks its era's rules (headers, _meta, version)
    kUnknownMethod,  // no such method in this era
  };
  Json reply;
  Kind kind = Kind::kAnswer;
};

using Checked = std::variant<CheckedCall, Refusal>;

class Era {
 public:
  virtual ~Era() = default;
  // The request is the era's from here on (a transport moves its params in; id and method may
  // be copies).
  virtual Checked check(jsonrpc::Request request, const MessageHeaders* headers) = 0;
  virtual Json handle(const CheckedCall& call, CallContext& ctx) = 0;
  virtual Json call_tool(const CheckedCall& call, CallContext& ctx) = 0;
  // Whether check() reads the transport's headers (a transport may skip collecting them).
  virtual bool reads_headers() const = 0;
  // Whether this era's clients read the request id in a transport's refusal (e.g. a 401 body).
  virtual bool echoes_id_in_refusals() const = 0;
};

// params._meta.progressToken when it is a string or an integer; null otherwise.
Json progress_token(const Json& params);

// check, then handle or call_tool, on this thread (tests, and transports with nothing to run
// elsewhere).
Json answer(Era& era, const jsonrpc::Request& request, CallContext& ctx, const MessageHeaders* headers = nullptr);

}  // namespace fini::mcp
