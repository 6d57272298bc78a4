#include "http/rate_limit.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace fini::http {

namespace {

// Refills `tokens` for the time since `last` and takes one; 0 or the seconds to wait.
int take_from(const Rate& rate, double now, double& tokens, double& last) {
  const double refill = rate.burst / std::max(rate.per.count(), 1e-3);
  tokens = std::min(rate.burst, tokens + (now - last) * refill);
  last = now;
  if (tokens >= 1.0) {
    tokens -= 1.0;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1.0 - tokens) / refill)));
}

}  // namespace

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

Result<Rate> parse_rate(std::string_view text, std::string_view flag) {
  const std::string s(text);
  const auto slash = s.find('/');
  char* end = nullptr;
  const double n = std::strtod(s.c_str(), &end);
  double per = 1.0;
  bool ok =
      end != s.c_str() && n >= 0 && n <= 1e9 && (slash == std::string::npos ? *end == '\0' : end == s.c_str() + slash);
  if (ok && slash != std::string::npos) {
    std::string tail = s.substr(slash + 1);
    if (!tail.empty() && tail.back() == 's') tail.pop_back();
    char* end2 = nullptr;
    per = std::strtod(tail.c_str(), &end2);
    ok = !tail.empty() && *end2 == '\0' && per > 0 && per <= 86400;
  }
  if (!ok) return invalid_argument(std::string(flag) + " must be COUNT/SECONDS such as 10/60 (0: unlimited)");
  return Rate{n, std::chrono::duration<double>(per)};
}

std::string rate_text(const Rate& rate) {
  if (rate.unlimited()) return "unlimited";
  return std::to_string(static_cast<long>(rate.burst)) + "/" + std::to_string(static_cast<long>(rate.per.count())) +
         "s";
}

std::string rate_spec(const Rate& rate) {
  if (rate.unlimited()) return "0";
  return std::to_string(static_cast<long>(rate.burst)) + "/" + std::to_string(static_cast<long>(rate.per.count()));
}

Bucket::Bucket(Rate rate, SecondsClock clock)
    : rate_(rate), clock_(std::move(clock)), tokens_(rate.burst), last_(clock_()) {}

int Bucket::take() {
  if (rate_.unlimited()) return 0;
  std::lock_guard lock(mutex_);
  return take_from(rate_, clock_(), tokens_, last_);
}

ClientBuckets::ClientBuckets(Rate rate, std::size_t capacity, SecondsClock clock)
    : rate_(rate), capacity_(std::max<std::size_t>(capacity, 1)), clock_(std::move(clock)) {}

int ClientBuckets::take(const std::string& client) {
  if (rate_.unlimited()) return 0;
  const double now = clock_();
  std::lock_guard lock(mutex_);
  auto it = index_.find(client);
  if (it == index_.end()) {
    if (lru_.size() >= capacity_) {  // forget the least recent client (a full bucket again)
      index_.erase(lru_.back().client);
      lru_.pop_back();
    }
    lru_.push_front(Entry{client, rate_.burst, now});
    it = index_.emplace(client, lru_.begin()).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second);
  }
  return take_from(rate_, now, it->second->tokens, it->second->last);
}

std::size_t ClientBuckets::size() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

}  // namespace fini::http

namespace fini::http {

ExpiringSet::ExpiringSet(std::size_t capacity, double ttl_s, SecondsClock clock)
    : capacity_(std::max<std::size_t>(capacity, 1)), ttl_s_(ttl_s), clock_(std::move(clock)) {}

bool ExpiringSet::contains(const std::string& item) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(item);
  if (it == index_.end()) return false;
  if (ttl_s_ > 0 && clock_() >= it->second->expires) {
    lru_.erase(it->second);
    index_.erase(it);
    return false;
  }
  return true;
}

void ExpiringSet::add(const std::string& item) {
  const double expires = ttl_s_ > 0 ? clock_() + ttl_s_ : 0;
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(item); it != index_.end()) {
    it->second->expires = expires;
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  if (lru_.size() >= capacity_) {
    index_.erase(lru_.back().item);
    lru_.pop_back();
  }
  lru_.push_front(Entry{item, expires});
  index_.emplace(item, lru_.begin());
}

void ExpiringSet::erase(const std::string& item) {
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(item); it != index_.end()) {
    lru_.erase(it->second);
    index_.erase(it);
  }
}

std::size_t ExpiringSet::size() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

}  // namespace fini::http
