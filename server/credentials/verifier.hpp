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
  std::set<std::string> scopes;  // subset of {"read", "write"}
  bool write_known = true;       // false: the write probe could not run (read-only client guard)
  nlohmann::json agents = nlohmann::json::array();  // GET /v2/bots/public, when the key can read
};

// Learns which of read/write the key has with two requests that change nothing:
//  - read:  GET /v2/bots/public → 200 read, 403 no read.
//  - write: POST /v2/hc-rules/public with an empty JSON body. The Fini API checks the key and
//    its scope before it validates the body (see fini-api/README.md, "Authentication"), so a
//    key without write is answered 403, and a key with write gets as far as validation, which
//    fails on the missing required "name"/"description" → 400 and nothing is created.
//    (The sandbox implements the same order; tests/credentials checks both answers.)
// 401 on either → kUnauthenticated. Transport failures keep their code (kUnavailable,
// kDeadlineExceeded, ...). Any other answer → kUnavailable naming the status.
Result<KeyCheck> probe_key(rest::HttpClient& http, const std::string& key);

// check_key_format, then probe_key, with messages meant for a person who just pasted a key:
// kInvalidArgument (format), kUnauthenticated ("Fini rejected the key …"), others as above.
Result<KeyCheck> check_key(rest::HttpClient& http, const std::string& key, const std::string& base_url);

// "read, write" / "none".
std::string scopes_text(const std::set<std::string>& scopes);

}  // namespace fini::credentials
