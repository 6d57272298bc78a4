#pragma once
// ContextKeyAsker: credentials::KeyAsker answered through an mcp::CallContext, for the tool
// pipeline and the CLI. The caller's key is the context's call_key(); a link is an MCP URL
// elicitation (elicitation/create, mode "url"), and "done" is notifications/elicitation/complete.
// The 2026-07-28 era's context turns the same request into an input-required result. Lives in
// tools/ because tools/ already depends on both mcp/ and credentials/, so neither has to know
// the other. Lives as long as one call; same threading as the context it wraps.

#include "credentials/key_asker.hpp"
#include "mcp/providers.hpp"

namespace fini::tools {

class ContextKeyAsker final : public credentials::KeyAsker {
 public:
  explicit ContextKeyAsker(mcp::CallContext& ctx) : ctx_(ctx) {}

  const CallKey& call_key() const override { return ctx_.call_key(); }
  const CancelToken& cancel_token() const override { return ctx_.cancel_token(); }
  bool can_open_links() const override { return ctx_.client().elicitation_url; }
  Result<credentials::LinkAnswer> open_link(const credentials::KeyLink& link,
                                            std::chrono::milliseconds timeout) override;
  void link_done(const credentials::KeyLink& link) override;

 private:
  mcp::CallContext& ctx_;
};

// The person's answer in an ElicitResult ({"action": "accept" | "decline" | "cancel"}).
credentials::LinkAnswer link_answer(const mcp::Json& elicit_result);

}  // namespace fini::tools
