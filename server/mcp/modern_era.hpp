#pragma once
// The modern-era adapter (MCP 2026-07-28) over the shared Dispatcher: no initialize, the version
// and capabilities in each request's _meta, server/discover, and input-required results in place
// of server→client requests. It runs the same method table and the same tool pipeline as the
// legacy era; only the edges differ:
//  - before: check() validates _meta and routes removed/unknown methods to -32601;
//  - during: the call runs under a ModernCallContext, which answers the pipeline's asks
//    (CallContext::request: the key page link, a destructive tool's confirmation) from the
//    retry's inputResponses, or records them and stops the call before anything is sent;
//  - after: finish() adds resultType, serverInfo and the caching fields, turns recorded asks
//    into an InputRequiredResult with a sealed requestState, and maps changed error codes.
// Stateless: nothing is kept between requests. Thread-safe (const after construction).

#include <memory>
#include <optional>
#include <string>

#include "common/keyring.hpp"
#include "jsonrpc/message.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/modern_meta.hpp"

namespace fini::mcp {

class ModernEra {
 public:
  // `sealing` seals requestStates (HTTP: the server's --token-secret-file ring, so replicas open
  // each other's); null: a secret made for this process (stdio, or HTTP without a secret file).
  explicit ModernEra(Dispatcher& dispatcher, std::shared_ptr<const KeyRing> sealing = nullptr);

  // Whether a request is served by this era: its _meta names a protocol version (the stdio
  // binding's rule; HTTP also looks at the MCP-Protocol-Version header, see http/modern_http).
  // A server/discover without that _meta is a legacy message: -32601, as before.
  static bool is_modern(const jsonrpc::Request& request);
  // The error reply for a request that must not run (bad _meta, unsupported version, a method
  // this era does not have), or nullopt.
  std::optional<Json> check(const jsonrpc::Request& request) const;
  // Any checked request but tools/call (transports run those where they run tool calls).
  Json handle(const jsonrpc::Request& request, CallContext& ctx);
  // tools/call through the shared pipeline; `ctx` is the transport's (cancel, progress, key).
  Json call_tool(const jsonrpc::Request& request, CallContext& ctx);
  // A reply as this era shapes it (resultType, serverInfo, caching; changed error codes).
  Json finish(const jsonrpc::Request& request, Json reply) const;

  // HTTP status for a modern reply: 404 for -32601, 400 for _meta/header/version/capability
  // errors, 200 otherwise (the body says the rest).
  static int http_status(const Json& reply);

 private:
  Json discover(const jsonrpc::Request& request) const;
  Json run(const jsonrpc::Request& request, CallContext& ctx, bool tool_call);

  Dispatcher& dispatcher_;
  std::shared_ptr<const KeyRing> sealing_;
};

}  // namespace fini::mcp
