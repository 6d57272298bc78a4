#pragma once
// The requestState of an input-required result (MCP 2026-07-28, basic/patterns/mrtr.mdx): the
// answers gathered in earlier rounds of one request, sealed so the client can carry them back
// but cannot forge, alter or replay them elsewhere. The seal (HMAC-SHA256, OpenSSL) covers the
// payload plus what it is bound to without showing it: the method, a digest of the request's
// salient params, and the caller (the HTTP bearer key; stdio has one user per process). It
// expires after `ttl`. Format: base64url(payload JSON) "." base64url(tag).
// The secret is per process (random), or FINI_MCP_STATE_SECRET when replicas must accept each
// other's states. Thread-safe.

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace fini::mcp {

struct StateBinding {
  std::string method;
  std::string params_digest;  // digest_params() of the request
  std::string principal;      // who may present it ("" on stdio); never stored in the payload
};

// SHA-256 hex of the params minus _meta, inputResponses and requestState (what a retry repeats).
std::string digest_params(const nlohmann::json& params);

// Seals `answers` (an object) for the binding; valid for `ttl`.
std::string seal_state(const nlohmann::json& answers, const StateBinding& binding,
                       std::chrono::seconds ttl = std::chrono::minutes(15));
// The answers, or nullopt when the state is malformed, altered, expired or bound elsewhere.
std::optional<nlohmann::json> open_state(const std::string& state, const StateBinding& binding);

}  // namespace fini::mcp
