#include "tools/context_key_asker.hpp"

namespace fini::tools {

using credentials::LinkAnswer;

LinkAnswer link_answer(const mcp::Json& elicit_result) {
  const std::string action = elicit_result.is_object() ? elicit_result.value("action", "") : "";
  if (action == "accept") return LinkAnswer::kAccepted;
  if (action == "decline") return LinkAnswer::kDeclined;
  if (action == "cancel") return LinkAnswer::kDismissed;
  return LinkAnswer::kUnexpected;
}

Result<LinkAnswer> ContextKeyAsker::open_link(const credentials::KeyLink& link, std::chrono::milliseconds timeout) {
  const mcp::Json params{{"mode", "url"}, {"message", link.message}, {"url", link.url}, {"elicitationId", link.id}};
  auto reply = ctx_.request("elicitation/create", params, timeout);
  if (!reply.ok()) return reply.status();
  return link_answer(*reply);
}

void ContextKeyAsker::link_done(const credentials::KeyLink& link) {
  ctx_.notify("notifications/elicitation/complete", mcp::Json{{"elicitationId", link.id}});
}

}  // namespace fini::tools
