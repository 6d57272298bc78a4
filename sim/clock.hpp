#pragma once
// The sandbox clock: real time, optionally starting from a pinned instant (--now) and optionally
// frozen so tests advance it by hand. Thread-safe (atomics); never throws.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace fini::sim {

class Clock {
 public:
  // start_ms: the instant "now" reads at construction (nullopt: the real time). frozen: time only
  // moves through advance().
  Clock(std::optional<int64_t> start_ms, bool frozen);

  int64_t now_ms() const;
  void advance(int64_t ms) { offset_ms_.fetch_add(ms); }

 private:
  int64_t base_ms_;
  std::chrono::steady_clock::time_point started_;
  bool frozen_;
  std::atomic<int64_t> offset_ms_{0};
};

}  // namespace fini::sim
