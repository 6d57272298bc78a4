#pragma once
// The modern-era adapter (MCP 2026-07-28) over the shared Dispatcher: no initialize, the version
// and capabilities in each request's _meta, server/discover, and input-required results in place
// of server→client requests. It runs the same method table and the same tool pipeline as the
// legacy era; only the edges differ:
//  - before: check() reads _meta once (and the HTTP headers against it) and routes
//    removed/unknown methods to -32601;
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
#include "mcp/era.hpp"
#include "mcp/modern_meta.hpp"

namespace fini::mcp {

class Modern2026 final : public Era {
 public:
  // `sealing` seals requestStates (HTTP: the server's --token-secret-file ring, so replicas open
  // each other's); null: a secret made for this process (stdio, or HTTP without a secret file).
  explicit Modern2026(Dispatcher& dispatcher, std::shared_ptr<const KeyRing> sealing = nullptr);

  // Whether a request is served by this era: its _meta names a protocol version (the stdio
  // binding's rule; HTTP also looks at the MCP-Protocol-Version header, see http/era_status).
  // A server/discover without that _meta is a legacy message: -32601, as before.
  static bool is_modern(const jsonrpc::Request& request);
  // Reads _meta once; with `headers`, checks them against the body first (the HTTP binding's
  // validation order). Refuses bad _meta/headers/versions (kInvalid), methods this era does not
  // have (kUnknownMethod), and tools/call params the Dispatcher refuses (kAnswer).
  Checked check(jsonrpc::Request request, const MessageHeaders* headers) override;
  Json handle(const CheckedCall& call, CallContext& ctx) override;
  Json call_tool(const CheckedCall& call, CallContext& ctx) override;
  bool reads_headers() const override { return true; }
  bool echoes_id_in_refusals() const override { return true; }
  // A reply as this era shapes it (resultType, serverInfo, caching; changed error codes).
  Json finish(const jsonrpc::Request& request, Json reply) const;

 private:
  Json discover(const jsonrpc::Request& request) const;
  Json run(const CheckedCall& call, CallContext& ctx, bool tool_call);

  Dispatcher& dispatcher_;
  std::shared_ptr<const KeyRing> sealing_;
};

}  // namespace fini::mcp
