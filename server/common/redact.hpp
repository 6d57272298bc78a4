#pragma once
// Redaction of API keys in text that may reach logs, errors or the model.
// Thread-safety: pure functions. Never throws (beyond std::bad_alloc).

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fini {

// The mask shown instead of a token: "fini_…" plus the last 4 characters when the token is long
// enough (>= 16) that 4 characters reveal nothing useful; just "fini_…" otherwise.
std::string mask_token(std::string_view token);

// Replaces in `text`:
//  - every occurrence of `secret` (if non-empty),
//  - the credential after "Bearer " (case-insensitive), whatever it looks like,
//  - key-shaped words "fini_<16+ chars of [A-Za-z0-9_-]>" that contain a digit, an upper-case
//    letter or '-' (so snake_case names such as "fini_list_conversation_tags" survive),
// each with mask_token(...).
std::string redact(std::string_view text, std::string_view secret = {});

// redact() on every string and every object key in `value` (a tool result, whatever upstream
// echoed), with `key` as the secret.
void redact_json(nlohmann::json& value, const std::string& key);

}  // namespace fini
