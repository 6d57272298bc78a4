#pragma once
// Retries by policy around HttpClient::send (DESIGN.md §9): idempotent requests go again on
// 429/500/502/503/504, on a 2xx JSON body that does not parse, and on transport failures;
// non-idempotent ones only when the request certainly did not run (429, or no connection).
// Waits use capped exponential backoff with full jitter, or a parsed Retry-After (capped);
// never past the request's deadline; a cancelled token ends the wait at once.
// Thread-safety: pure functions over a thread-safe HttpClient. Never throws.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "rest/http_client.hpp"

namespace fini::rest {

struct RetryPolicy {
  bool idempotent = false;  // GET/PUT/DELETE, or a manifest that marks a POST safe to repeat
  int max_attempts = 5;     // including the first
  std::chrono::milliseconds base_delay{200};
  std::chrono::milliseconds max_delay{5000};
  std::chrono::milliseconds max_retry_after{30000};  // a longer Retry-After is not waited for
  bool retry_500 = true;  // false on routes that answer 500 for an unknown id (repeating it is pointless)
};

// One wait before another attempt, reported so the caller can send progress.
struct RetryWait {
  int attempt = 0;  // the attempt that failed (1-based)
  std::chrono::milliseconds delay{0};
  std::string reason;  // "HTTP 503", "connection failed before a complete response", ... (no header values)
};

struct RetryOutcome {
  Result<HttpResponse> response = Status(Code::kInternal, "not sent");
  int attempts = 0;
  // An attempt before the last that a write may have been applied by: its HTTP status (a 2xx,
  // e.g. with a truncated body, or a 5xx), or 0 for a connection lost after sending. nullopt:
  // every earlier attempt certainly changed nothing (429, no connection), or there was none.
  std::optional<int> earlier_may_have_applied;
};

// The default policy for a method: idempotent for GET, PUT and DELETE.
RetryPolicy default_policy(std::string_view method);

RetryOutcome send_with_retry(HttpClient& http, const HttpRequest& request, const RetryPolicy& policy,
                             const std::function<void(const RetryWait&)>& on_wait = {});

// Retry-After as delta-seconds or an HTTP-date (RFC 9110 §10.2.3), relative to `now`;
// nullopt for anything else (garbage is never quoted back).
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

}  // namespace fini::rest
