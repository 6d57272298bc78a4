#include "http/abuse_limits.hpp"

#include <httplib.h>

#include <sstream>

#include "credentials/bearer_credentials.hpp"

namespace fini::http {

AbuseLimits::AbuseLimits(AbuseOptions options, SecondsClock clock)
    : options_(std::move(options)),
      clock_(std::move(clock)),
      key_checks_(options_.key_checks, options_.table_size, clock_),
      authorize_(options_.authorize, options_.table_size, clock_),
      token_(options_.token, options_.table_size, clock_),
      register_(options_.registrations, options_.table_size, clock_),
      global_(options_.key_checks_global, clock_),
      refused_(options_.table_size, static_cast<double>(options_.refused_key_ttl.count()), clock_),
      accepted_(options_.table_size, 0, clock_) {}

std::string AbuseLimits::client_of(const httplib::Request& req) const {
  const std::string forwarded = req.get_header_value("X-Forwarded-For");
  return client_bucket(client_address(req.remote_addr, forwarded, options_.trusted_proxies));
}

Verdict AbuseLimits::limited(const char* limit, int retry_after, std::string message) {
  {
    std::lock_guard lock(counters_mutex_);
    ++refusals_[limit];
  }
  return Verdict{Verdict::kLimited, retry_after, std::move(message)};
}

Verdict AbuseLimits::before_key_check(const std::string& client, const std::string& key) {
  const std::string digest = credentials::key_digest(key);
  auto count = [this](const char* outcome) {
    std::lock_guard lock(counters_mutex_);
    ++key_checks_total_[outcome];
  };
  std::unique_lock lock(probe_mutex_);
  for (;;) {
    if (accepted_.contains(digest)) {
      count("known_good");
      return {};
    }
    if (refused_.contains(digest)) {
      count("refused_cached");
      return Verdict{Verdict::kRefusedKey, 0, "Fini rejected this key moments ago (HTTP 401); it was not sent again."};
    }
    auto it = probes_.find(digest);
    const double age = it == probes_.end() ? 0 : clock_() - it->second;
    if (it == probes_.end() || age >= options_.probe_wait_s) break;  // nobody checks it (any more)
    if (probe_waiters_ >= options_.probe_waiters) {
      return limited("key_checks", 1, "Too many requests are waiting for a new key to be checked; try again.");
    }
    ++probe_waiters_;
    probe_cv_.wait_for(lock, std::chrono::duration<double>(options_.probe_wait_s - age));
    --probe_waiters_;
  }
  if (int wait = key_checks_.take(client)) {
    return limited("key_checks", wait,
                   "Too many new keys were tried from your address; wait " + std::to_string(wait) +
                       " s and try again. Keys that already worked are not limited.");
  }
  if (int wait = global_.take()) {
    return limited("key_checks_global", wait,
                   "This server is checking too many new keys with Fini right now; wait " + std::to_string(wait) +
                       " s and try again.");
  }
  probes_[digest] = clock_();
  count("sent");
  return {};
}

void AbuseLimits::key_answered(const std::string& key, int http_status) {
  const std::string digest = credentials::key_digest(key);
  if (http_status == 401) {
    accepted_.erase(digest);
    refused_.add(digest);
  } else if ((http_status >= 200 && http_status < 300) || http_status == 403) {
    accepted_.add(digest);
  }
  probe_done_digest(digest);
}

std::size_t AbuseLimits::waiting() const {
  std::lock_guard lock(probe_mutex_);
  return probe_waiters_;
}

void AbuseLimits::probe_done(const std::string& key) { probe_done_digest(credentials::key_digest(key)); }

void AbuseLimits::probe_done_digest(const std::string& digest) {
  {
    std::lock_guard lock(probe_mutex_);
    if (probes_.erase(digest) == 0) return;
  }
  probe_cv_.notify_all();
}

Verdict AbuseLimits::take(Limit limit, const std::string& client) {
  ClientBuckets& buckets = limit == Limit::kAuthorize ? authorize_ : limit == Limit::kToken ? token_ : register_;
  const char* name = limit == Limit::kAuthorize ? "authorize" : limit == Limit::kToken ? "token" : "register";
  if (int wait = buckets.take(client)) {
    return limited(name, wait,
                   "Too many requests from your address; wait " + std::to_string(wait) + " s and try again.");
  }
  return {};
}

bool AbuseLimits::signin_attempt(const std::string& signin, double expires_s) {
  const double now = clock_();
  bool ok = true;
  {
    std::lock_guard lock(attempts_mutex_);
    while (!attempts_by_expiry_.empty() &&
           (attempts_by_expiry_.begin()->first <= now || attempts_.size() >= options_.table_size)) {
      attempts_.erase(attempts_by_expiry_.begin()->second);
      attempts_by_expiry_.erase(attempts_by_expiry_.begin());
    }
    auto [it, fresh] = attempts_.try_emplace(signin, 0, now + expires_s);
    if (fresh) attempts_by_expiry_.emplace(now + expires_s, signin);
    ok = ++it->second.first <= options_.signin_attempts;
  }
  if (!ok) {
    std::lock_guard lock(counters_mutex_);
    ++refusals_["signin_attempts"];
  }
  return ok;
}

std::string AbuseLimits::render_metrics() const {
  std::ostringstream out;
  std::lock_guard lock(counters_mutex_);
  out << "# HELP fini_mcp_limit_refused_total Requests refused by an abuse limit (429), by limit.\n"
         "# TYPE fini_mcp_limit_refused_total counter\n";
  for (const char* limit : {"key_checks", "key_checks_global", "authorize", "token", "register", "signin_attempts"}) {
    auto it = refusals_.find(limit);
    out << "fini_mcp_limit_refused_total{limit=\"" << limit << "\"} " << (it == refusals_.end() ? 0 : it->second)
        << "\n";
  }
  out << "# HELP fini_mcp_key_checks_total Keys about to go to Fini: sent (new key), known_good (not limited), "
         "refused_cached (Fini refused it recently; not sent).\n# TYPE fini_mcp_key_checks_total counter\n";
  for (const char* outcome : {"sent", "known_good", "refused_cached"}) {
    auto it = key_checks_total_.find(outcome);
    out << "fini_mcp_key_checks_total{outcome=\"" << outcome << "\"} "
        << (it == key_checks_total_.end() ? 0 : it->second) << "\n";
  }
  return out.str();
}

}  // namespace fini::http
