#pragma once
// The options of the Streamable HTTP transport (http/http_server.hpp), in their own header so
// that each piece of the edge (admission, bearer_auth, routes, ...) can read them without the server.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "common/keyring.hpp"
#include "http/abuse_limits.hpp"
#include "http/auth_gate.hpp"

namespace fini::http {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
  std::set<std::string> allowed_origins;
  std::string tls_cert, tls_key;  // both set: HTTPS
  std::size_t max_body_bytes = 4u << 20;
  std::size_t max_in_flight = 64;    // /mcp requests served at once; beyond: 503 + Retry-After
  std::size_t threads = 0;           // connection threads; 0: max_in_flight + 32
  std::size_t overflow_threads = 4;  // answer 503 beyond `threads` when the refuser cannot
  int read_timeout_s = 10;
  // Total time to read one request's head and body (plain HTTP); beyond it 408 and close.
  int request_timeout_s = 10;
  int write_timeout_s = 30;
  int keep_alive_timeout_s = 5;
  int retry_after_s = 1;
  std::chrono::milliseconds drain_timeout{10000};
  std::chrono::milliseconds abort_grace{2000};
  // initialize/ping/lists without a key (tools/call always needs one): for probes and suites
  // that cannot send headers.
  bool anonymous_discovery = false;
  bool access_log = true;
  // Seals 2026-07-28 requestStates (null: a secret made for this process).
  std::shared_ptr<const KeyRing> sealing;
  // The OAuth authorization server (routes, tokens on /mcp, 401 challenges); null: raw keys only.
  AuthGate* auth = nullptr;
  // --sandbox: the key of a request with no Authorization header at all (a request that sends one
  // is checked as usual). Empty: such a request needs a key.
  std::optional<std::string> keyless_key;
  // Key-guessing limits (null: none); more text for /metrics (the OAuth server's counters).
  std::shared_ptr<AbuseLimits> limits;
  std::function<std::string()> extra_metrics;
};

}  // namespace fini::http
