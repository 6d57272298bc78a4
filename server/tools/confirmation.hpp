#pragma once
// Confirmation before harm: a destructive tool (annotations.destructiveHint) asks the user a
// yes/no question through form elicitation before any request is sent. The question comes from
// the manifest's "confirm" template. Clients without form elicitation proceed (their own tool
// approval applies); --no-confirm turns the question off for automation. Thread-safe, no state.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mcp/providers.hpp"
#include "tools/manifest.hpp"

namespace fini::tools {

// The manifest's confirm template filled from the (validated) arguments: {arg} is the value
// (arrays: the first 10 items, then "and N more"), {count:arg} the number of items.
std::string confirmation_question(const Manifest& manifest, const nlohmann::json& arguments);

// What a destructive call from a client that cannot be asked (legacy era over stateless HTTP)
// does: kHost runs it (destructiveHint lets the host's own approval prompt confirm); kRefuse
// answers with how to confirm instead (a 2026-07-28 client, or stdio) and sends nothing.
enum class LegacyConfirm { kHost, kRefuse };

// nullopt: go ahead (not destructive, confirmation off, no form elicitation, or accepted).
// Otherwise the tool result to return instead: declined, cancelled, unanswered, or refused for a
// client that cannot be asked under LegacyConfirm::kRefuse; nothing sent.
std::optional<nlohmann::json> confirm_before_harm(const Manifest& manifest, const nlohmann::json& arguments,
                                                  mcp::CallContext& ctx, bool enabled,
                                                  LegacyConfirm legacy = LegacyConfirm::kHost);

}  // namespace fini::tools
