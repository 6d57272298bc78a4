#pragma once
// Token buckets for the limits that keep strangers from using this server as a key-guessing
// oracle: one bucket (a global ceiling) or one per client in a table of bounded size (least
// recently used clients are forgotten first, so many addresses cannot grow it). Thread-safe.

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.hpp"

namespace fini::http {

// `burst` requests at once, refilled at burst/per over time; burst 0: unlimited.
struct Rate {
  double burst = 0;
  std::chrono::duration<double> per{1.0};
  bool unlimited() const { return burst <= 0; }
};

// "N/SECONDS" ("10/60": 10 at once, then one every 6 s), "N" (per second), or "0" (unlimited).
Result<Rate> parse_rate(std::string_view text, std::string_view flag);
std::string rate_text(const Rate& rate);  // "10/60s"
// The flag text parse_rate reads back to `rate` (whole counts and seconds): "10/60", or "0".
std::string rate_spec(const Rate& rate);

using SecondsClock = std::function<double()>;  // monotonic seconds
double steady_seconds();

class Bucket {
 public:
  explicit Bucket(Rate rate, SecondsClock clock = steady_seconds);
  // 0 when a token was taken, else the whole seconds until one will be there (≥ 1).
  int take();

 private:
  std::mutex mutex_;
  Rate rate_;
  SecondsClock clock_;
  double tokens_, last_;
};

class ClientBuckets {
 public:
  ClientBuckets(Rate rate, std::size_t capacity, SecondsClock clock = steady_seconds);
  int take(const std::string& client);  // as Bucket::take, for this client's bucket
  std::size_t size() const;

 private:
  struct Entry {
    std::string client;
    double tokens, last;
  };
  mutable std::mutex mutex_;
  Rate rate_;
  std::size_t capacity_;
  SecondsClock clock_;
  std::list<Entry> lru_;  // front: most recent
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace fini::http

namespace fini::http {

// Strings remembered for `ttl` (0: until evicted), at most `capacity` of them, least recently
// added first out. Thread-safe.
class ExpiringSet {
 public:
  ExpiringSet(std::size_t capacity, double ttl_s, SecondsClock clock = steady_seconds);
  bool contains(const std::string& item);
  void add(const std::string& item);
  void erase(const std::string& item);
  std::size_t size() const;

 private:
  struct Entry {
    std::string item;
    double expires;
  };
  mutable std::mutex mutex_;
  std::size_t capacity_;
  double ttl_s_;
  SecondsClock clock_;
  std::list<Entry> lru_;  // front: most recent
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace fini::http
