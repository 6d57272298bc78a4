#include "rest/retry.hpp"

#include "common/safe_json.hpp"
#include "common/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <random>
#include <thread>

namespace fini::rest {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::optional<milliseconds> parse_delta_seconds(std::string_view v) {
  if (v.empty() || v.size() > 9 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  long long seconds = 0;
  for (char c : v) seconds = seconds * 10 + (c - '0');
  return milliseconds(seconds * 1000);
}

// IMF-fixdate, RFC 850 and asctime (RFC 9110 §5.6.7), each of which must match in full.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view v) {
  static const char* const kFormats[] = {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT",
                                         "%a %b %e %H:%M:%S %Y"};
  const std::string text(v);
  for (const char* format : kFormats) {
    std::tm tm{};
    const char* end = ::strptime(text.c_str(), format, &tm);
    if (end == nullptr || *end != '\0') continue;
    const std::time_t t = ::timegm(&tm);
    if (t == static_cast<std::time_t>(-1)) continue;
    return std::chrono::system_clock::from_time_t(t);
  }
  return std::nullopt;
}

bool is_json_type(const std::string& content_type) {
  const std::string type(trim(to_lower(content_type.substr(0, content_type.find(';'))), kHttpWhitespace));
  return type == "application/json" || (type.starts_with("application/") && type.ends_with("+json"));
}

bool deadline_passed(const HttpRequest& request) { return request.deadline && Clock::now() >= *request.deadline; }

// Why another attempt may help, or nullopt when it must not be made. The reason is our own
// wording: no header value or body text reaches it.
std::optional<std::string> retry_reason(const Result<HttpResponse>& result, const HttpRequest& request,
                                        const RetryPolicy& policy) {
  if (!result.ok()) {
    const Status& s = result.status();
    if (failed_before_sending(s)) return "could not connect";
    if (!policy.idempotent) return std::nullopt;
    if (s.code() == Code::kUnavailable) return "connection failed before a complete response";
    if (s.code() == Code::kDeadlineExceeded && !deadline_passed(request)) return "no response in time";
    return std::nullopt;  // cancelled, over the body cap, a bad request, the overall deadline
  }
  const int status = result->status;
  if (status == 429) return "HTTP 429";
  if (!policy.idempotent) return std::nullopt;
  if ((status == 500 && policy.retry_500) || status == 502 || status == 503 || status == 504) {
    return "HTTP " + std::to_string(status);
  }
  // Not parsed by keep_parsed_body: invalid JSON, or nested too deep to build (valid, so not retried).
  if (status >= 200 && status < 300 && !result->body.empty() && is_json_type(result->content_type) &&
      !result->json_body && !nlohmann::json::accept(result->body)) {
    return "HTTP " + std::to_string(status) + " with a truncated or malformed JSON body";
  }
  return std::nullopt;
}

// Parses a 2xx JSON body once, here, and keeps it for the shaper: whether it parses decides a
// retry, and the result needs the value. Bodies nested deeper than kMaxJsonDepth are not built.
void keep_parsed_body(Result<HttpResponse>& result) {
  if (!result.ok()) return;
  HttpResponse& r = *result;
  if (r.status < 200 || r.status >= 300 || r.body.empty() || !is_json_type(r.content_type)) return;
  if (json_depth(r.body) > kMaxJsonDepth) return;
  nlohmann::json value = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (!value.is_discarded()) r.json_body = std::move(value);
}

// Whether an attempt's outcome leaves open that the request was carried out.
std::optional<int> may_have_applied(const Result<HttpResponse>& result) {
  if (!result.ok()) {
    if (failed_before_sending(result.status()) || result.status().code() == Code::kCancelled) return std::nullopt;
    return 0;
  }
  const int status = result->status;
  if ((status >= 200 && status < 300) || status >= 500) return status;
  return std::nullopt;
}

milliseconds backoff(const RetryPolicy& policy, int failed_attempt) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const int shift = std::min(failed_attempt - 1, 20);
  const auto ceiling = std::min<long long>(policy.max_delay.count(), policy.base_delay.count() << shift);
  std::uniform_int_distribution<long long> pick(0, std::max<long long>(ceiling, 0));
  return milliseconds(pick(rng));  // full jitter: anywhere between 0 and the capped exponential
}

// The wait before the next attempt; nullopt: stop and return what we have (a Retry-After over
// the cap, or a wait that would pass the deadline).
std::optional<milliseconds> next_delay(const Result<HttpResponse>& result, const HttpRequest& request,
                                       const RetryPolicy& policy, int failed_attempt) {
  milliseconds delay = backoff(policy, failed_attempt);
  if (result.ok() && result->retry_after) {
    if (auto asked = parse_retry_after(*result->retry_after, std::chrono::system_clock::now())) {
      if (*asked > policy.max_retry_after) return std::nullopt;
      delay = *asked;
    }
  }
  if (request.deadline && Clock::now() + delay >= *request.deadline) return std::nullopt;
  return delay;
}

}  // namespace

RetryPolicy default_policy(std::string_view method) {
  RetryPolicy policy;
  policy.idempotent = method == "GET" || method == "PUT" || method == "DELETE";
  return policy;
}

std::optional<milliseconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
  value = trim(value, kHttpWhitespace);
  if (auto delta = parse_delta_seconds(value)) return delta;
  const auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  return std::max(std::chrono::ceil<milliseconds>(*when - now), milliseconds(0));
}

RetryOutcome send_with_retry(HttpClient& http, const HttpRequest& request, const RetryPolicy& policy,
                             const std::function<void(const RetryWait&)>& on_wait) {
  RetryOutcome out;
  for (int attempt = 1;; ++attempt) {
    out.attempts = attempt;
    out.response = http.send(request);
    if (out.response.ok()) out.response->attempts = attempt;
    keep_parsed_body(out.response);
    if (attempt >= policy.max_attempts) return out;
    const auto reason = retry_reason(out.response, request, policy);
    if (!reason) return out;
    const auto delay = next_delay(out.response, request, policy, attempt);
    if (!delay) return out;
    // A 2xx is the strongest sign it was applied: it wins over a 5xx or a lost connection.
    if (const auto applied = may_have_applied(out.response);
        applied &&
        (!out.earlier_may_have_applied || (*applied / 100 == 2 && *out.earlier_may_have_applied / 100 != 2))) {
      out.earlier_may_have_applied = applied;
    }
    if (on_wait) on_wait(RetryWait{attempt, *delay, *reason});
    const auto until = Clock::now() + *delay;
    if (request.cancel != nullptr ? request.cancel->wait_until(until) : (std::this_thread::sleep_until(until), false)) {
      out.response =
          Status(Code::kCancelled, "request cancelled while waiting to retry (" + request.cancel->reason() + ")");
      return out;
    }
  }
}

}  // namespace fini::rest
