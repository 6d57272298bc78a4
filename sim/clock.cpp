#include "sim/clock.hpp"

namespace fini::sim {

Clock::Clock(std::optional<int64_t> start_ms, bool frozen)
    : base_ms_(start_ms ? *start_ms
                        : std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count()),
      started_(std::chrono::steady_clock::now()),
      frozen_(frozen) {}

int64_t Clock::now_ms() const {
  int64_t elapsed = 0;
  if (!frozen_) {
    // Steady time since start keeps the clock monotonic even when --now pins the origin.
    elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_).count();
  }
  return base_ms_ + elapsed + offset_ms_.load();
}

}  // namespace fini::sim
