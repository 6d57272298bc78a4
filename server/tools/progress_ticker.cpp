#include "tools/progress_ticker.hpp"

#include <algorithm>

namespace fini::tools {

namespace {
constexpr std::chrono::milliseconds kPoll{100};
}  // namespace

ProgressTicker::ProgressTicker(std::chrono::milliseconds first, std::chrono::milliseconds every)
    : first_(first), every_(every), thread_([this] { loop(); }) {}

ProgressTicker::~ProgressTicker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

ProgressTicker::Armed ProgressTicker::arm(Tick tick) {
  std::lock_guard lock(mutex_);
  const std::uint64_t id = next_id_++;
  entries_[id] = Entry{std::chrono::steady_clock::now() + first_, 0, std::move(tick)};
  // No notify: the loop re-checks at least every kPoll, so arming costs no thread wake-up on the
  // hot path of every tool call (a tick may come up to kPoll late, which nobody can notice).
  return Armed(*this, id);
}

void ProgressTicker::disarm(std::uint64_t id) {
  std::lock_guard lock(mutex_);  // callbacks run under the lock, so none is in flight after this
  entries_.erase(id);
}

void ProgressTicker::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto next = std::chrono::steady_clock::time_point::max();
    const auto now = std::chrono::steady_clock::now();
    for (auto& [id, entry] : entries_) {
      if (entry.due <= now) {
        entry.tick(++entry.count);
        entry.due = now + every_;
      }
      if (entry.due < next) next = entry.due;
    }
    cv_.wait_until(lock, std::min(next, std::chrono::steady_clock::now() + kPoll));
  }
}

}  // namespace fini::tools
