#pragma once
// Fault injection for the sandbox: latency, injected error statuses, a token-bucket rate limit
// (429 + Retry-After), dropped connections and malformed 200 bodies. All off by default.
// The per-request X-Sim-Fault header is honoured only when allow_header is set.
// Thread-safety: FaultInjector is safe for concurrent use (one internal mutex). Never throws.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.hpp"
#include "sim/util.hpp"

namespace fini::sim {

struct FaultOptions {
  double latency_mean_ms = 0;    // --latency-ms
  double latency_jitter_ms = 0;  // --latency-jitter-ms: uniform +/- around the mean
  double error_rate = 0;         // --error-rate P[:STATUS[,STATUS...]]
  int error_status = 500;
  std::vector<int> error_statuses;        // when not empty: each injected error picks one uniformly
  double rate_limit_rps = 0;              // --rate-limit RPS[:BURST]; 0 = off
  double rate_limit_burst = 0;            // 0 = max(1, RPS)
  double drop_rate = 0;                   // --drop-rate
  double malformed_rate = 0;              // --malformed-rate
  uint64_t seed = 1;                      // --fault-seed
  bool allow_header = false;              // --allow-fault-header
  std::vector<std::string> route_faults;  // --route-fault "METHOD PATH-PREFIX DIRECTIVES" (see RouteFault)
  // --drift OPERATION[:FIELD]: these routes' answers change field types (no fields: every one).
  std::map<std::string, std::set<std::string>> drift;
  bool ignore_agent_filter = false;  // --ignore-agent-filter: list conversations ignores agentId
};

// Parses "OPERATION" or "OPERATION:FIELD" (repeatable); OPERATION must be a route's operationId.
Status parse_drift(const std::string& spec, FaultOptions& out);

// What --drift does to a 2xx JSON body, as a real API typed differently from its docs would: the
// top-level fields named in `fields` (empty: all of them) change type: integers become digit
// strings, booleans the strings "true"/"false"; a top-level array body is wrapped as {"items": [...]}.
void apply_drift(nlohmann::json& body, const std::set<std::string>& fields);

// Parses "P", "P:STATUS" or "P:S1,S2,..." (error rate; a list is picked from uniformly) and "RPS" or "RPS:BURST" (rate limit).
Status parse_error_rate(const std::string& spec, FaultOptions& out);
Status parse_rate_limit(const std::string& spec, FaultOptions& out);

struct FaultDecision {
  int64_t delay_ms = 0;
  bool drop = false;
  bool malformed = false;
  int status = 0;                  // 0 = none; else answer with this status's envelope
  std::optional<int> retry_after;  // seconds, sent as Retry-After
  std::string reason;              // for the request log
};

// A fault for the first `times` requests of one method whose path starts with a prefix, e.g.
// "GET /v2/tag-groups/ status=500" (one transient 500) or "DELETE /v2/hc-folders/ malformed"
// (applied, then a truncated 200). DIRECTIVES: the X-Sim-Fault syntax plus times=N (default 1).
struct RouteFault {
  std::string method;
  std::string path_prefix;
  FaultDecision decision;
  int remaining = 1;
};

Result<RouteFault> parse_route_fault(const std::string& spec);

class FaultInjector {
 public:
  FaultInjector(FaultOptions options, int64_t start_ms);

  // The route fault for this request, if one still applies (each use counts down).
  std::optional<FaultDecision> route_fault(const std::string& method, const std::string& path);

  // header: the X-Sim-Fault value when present. An unparsable header gives InvalidArgument.
  Result<FaultDecision> decide(const std::string* header, int64_t now_ms);
  const FaultOptions& options() const { return options_; }

 private:
  FaultOptions options_;
  std::vector<RouteFault> routes_;
  std::mutex mu_;
  Prng rng_;
  double tokens_;
  int64_t last_refill_ms_;
};

// Parses an X-Sim-Fault value ("status=503;delay=2000;drop;malformed;retry-after=3").
Result<FaultDecision> parse_fault_header(const std::string& value);

}  // namespace fini::sim
