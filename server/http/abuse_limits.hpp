#pragma once
// AbuseLimits: what keeps `serve --http` from being a free key-guessing oracle in front of Fini
// (whose own abuse limits would then block this server's address, and every user with it).
// - A key goes to Fini only when it has the shape of a fini_ key (checked by the callers);
// - keys Fini refused are refused here for a while (a bounded cache of their digests);
// - keys not yet seen to work cost a token from the client's bucket and from a global one;
//   keys Fini accepted (remembered by digest) cost nothing, so working clients are not slowed;
// - per-client buckets for POST /authorize, /token and /register;
// - each sign-in form may be submitted a few times only.
// A client is the peer address, or the X-Forwarded-For hop its trusted proxy names (see
// http/client_address.hpp). Every table is bounded. Counters for /metrics. Each replica enforces
// its own limits. Thread-safe.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/client_address.hpp"
#include "http/rate_limit.hpp"

namespace httplib {
struct Request;
}

namespace fini::http {

struct AbuseOptions {
  TrustedProxies trusted_proxies;
  Rate key_checks{30, std::chrono::duration<double>(60)};        // per client
  Rate key_checks_global{20, std::chrono::duration<double>(1)};  // all clients together
  Rate authorize{60, std::chrono::duration<double>(60)};         // POST /authorize per client
  Rate token{120, std::chrono::duration<double>(60)};            // POST /token per client
  Rate registrations{60, std::chrono::duration<double>(60)};     // POST /register per client
  int signin_attempts = 5;                                       // key submissions per sign-in form
  std::chrono::seconds refused_key_ttl{60};
  std::size_t table_size = 10000;  // clients per bucket table; keys per digest cache
  // A new key is checked by one request at a time: others with the same key wait for that
  // verdict (at most `probe_waiters` requests in all, each at most `probe_wait_s`).
  std::size_t probe_waiters = 256;
  double probe_wait_s = 15;
};

enum class Limit { kAuthorize, kToken, kRegister };

struct Verdict {
  enum Kind { kGo, kRefusedKey, kLimited } kind = kGo;
  int retry_after_s = 0;
  std::string message;  // for kRefusedKey and kLimited, for people
};

class AbuseLimits {
 public:
  explicit AbuseLimits(AbuseOptions options, SecondsClock clock = steady_seconds);

  std::string client_of(const httplib::Request& req) const;
  // Before a well-shaped key is sent to Fini for `client`. A key not yet known is charged to
  // the client's and the global bucket once; while that first request is out, requests with
  // the same key wait for its verdict here (they hold their thread; bounded, see options).
  Verdict before_key_check(const std::string& client, const std::string& key);
  // What Fini answered for a key: 2xx/403 → known to work; 401 → refused for refused_key_ttl;
  // anything else (0: no answer) → still unknown. Ends the key's check either way.
  void key_answered(const std::string& key, int http_status);
  // The request that checks `key` is over (answered or not): waiters may go on.
  void probe_done(const std::string& key);
  Verdict take(Limit limit, const std::string& client);
  // One more key submitted on sign-in form `signin` (alive until `expires_s` from now); false
  // once it has had signin_attempts.
  bool signin_attempt(const std::string& signin, double expires_s);
  std::string render_metrics() const;
  const AbuseOptions& options() const { return options_; }
  std::size_t waiting() const;  // requests waiting for a key's check now

 private:
  Verdict limited(const char* limit, int retry_after, std::string message);
  void probe_done_digest(const std::string& digest);

  AbuseOptions options_;
  SecondsClock clock_;
  ClientBuckets key_checks_, authorize_, token_, register_;
  Bucket global_;
  ExpiringSet refused_, accepted_;
  mutable std::mutex probe_mutex_;
  std::condition_variable probe_cv_;
  std::unordered_map<std::string, double> probes_;  // key digest → when its check started
  std::size_t probe_waiters_ = 0;
  std::mutex attempts_mutex_;
  std::unordered_map<std::string, std::pair<int, double>> attempts_;  // form → (count, expiry)
  std::multimap<double, std::string> attempts_by_expiry_;
  mutable std::mutex counters_mutex_;
  std::map<std::string, std::uint64_t> refusals_;          // by limit
  std::map<std::string, std::uint64_t> key_checks_total_;  // by outcome
};

// Ends a request's key check when the request is over, whatever path it took (RAII).
class KeyProbe {
 public:
  KeyProbe(AbuseLimits* limits, const std::string* key) : limits_(limits), key_(key) {}
  ~KeyProbe() {
    if (limits_ != nullptr && key_ != nullptr) limits_->probe_done(*key_);
  }
  KeyProbe(const KeyProbe&) = delete;
  KeyProbe& operator=(const KeyProbe&) = delete;

 private:
  AbuseLimits* limits_;
  const std::string* key_;
};

}  // namespace fini::http
