// Placeholder until the retry implementation lands: one attempt, no waits.
#include "rest/retry.hpp"

namespace fini::rest {

RetryPolicy default_policy(std::string_view method) {
  RetryPolicy p;
  p.idempotent = method == "GET" || method == "PUT" || method == "DELETE";
  return p;
}

RetryOutcome send_with_retry(HttpClient& http, const HttpRequest& request, const RetryPolicy&,
                             const std::function<void(const RetryWait&)>&) {
  RetryOutcome out;
  out.response = http.send(request);
  out.attempts = 1;
  return out;
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view, std::chrono::system_clock::time_point) {
  return std::nullopt;
}

}  // namespace fini::rest
