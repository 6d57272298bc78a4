#pragma once
// The requestState of an input-required result (MCP 2026-07-28, basic/patterns/mrtr.mdx): the
// answers gathered in earlier rounds of one request, sealed so the client can carry them back
// but cannot read, forge, alter or replay them elsewhere. Sealed (AES-256-GCM) with the server's
// KeyRing as type "request-state", bound to what it was issued for without showing it: the
// method, a digest of the request's salient params, and the caller (the identity of the HTTP
// bearer key; stdio has one user per process), and valid for `ttl`. Replicas that share a --token-secret-file open
// each other's states; a rotated ring still opens states sealed under an older secret.
// Thread-safe.

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/keyring.hpp"

namespace fini::mcp {

struct StateBinding {
  std::string method;
  std::string params_digest;  // digest_params() of the request
  std::string principal;      // who may present it: CallKey::identity() ("" on stdio); only its digest is sealed
};

// SHA-256 hex of the params minus _meta, inputResponses and requestState (what a retry repeats).
std::string digest_params(const nlohmann::json& params);

// Seals `answers` (an object) for the binding; valid for `ttl`. "" if sealing failed (no
// randomness), which no open_state accepts.
std::string seal_state(const KeyRing& ring, const nlohmann::json& answers, const StateBinding& binding,
                       std::chrono::seconds ttl = std::chrono::minutes(15));
// The answers, or nullopt when the state is malformed, altered, expired or bound elsewhere.
std::optional<nlohmann::json> open_state(const KeyRing& ring, const std::string& state, const StateBinding& binding);

}  // namespace fini::mcp
