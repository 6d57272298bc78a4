#pragma once
// Checking a key against the Fini API and learning its scopes, shared by `fini-mcp login`, the
// one-time key page and re-learning after a 403. Thread-safe (stateless; the HttpClient is).
// Never throws; messages never contain the key.

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.hpp"
#include "rest/http_client.hpp"

namespace fini::credentials {

struct KeyCheck {
  std::set<std::string> scopes;                     // {"read"} when the key can read; write is never probed
  nlohmann::json agents = nlohmann::json::array();  // GET /v2/bots/public, when the key can read
};

// Checks the key with one request that cannot change anything: GET /v2/bots/public →
// 200 read (and the workspace's agents), 403 no read, 401 → kUnauthenticated. Whether it can
// write is learned from the first write the user makes (never by a probing POST: the API's
// order of auth and validation is not a contract, and a probe that got through would create
// data nobody asked for). Transport failures keep their code; any other answer → kUnavailable.
Result<KeyCheck> probe_key(rest::HttpClient& http, const std::string& key);

// check_key_format, then probe_key, with messages meant for a person who just pasted a key:
// kInvalidArgument (format), kUnauthenticated ("Fini rejected the key …"), others as above.
Result<KeyCheck> check_key(rest::HttpClient& http, const std::string& key, const std::string& base_url);

// "read, write" / "none".
std::string scopes_text(const std::set<std::string>& scopes);
// For people: "it can read this workspace; write access is checked on the first change".
std::string access_text(const KeyCheck& check);

}  // namespace fini::credentials
