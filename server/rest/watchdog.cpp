#include "rest/watchdog.hpp"

#include <utility>

namespace fini::rest {

Watchdog::Watchdog() : thread_([this] { run(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Watchdog::Guard Watchdog::arm(std::optional<Clock::time_point> deadline, std::function<void()> stop) {
  std::uint64_t id = 0;
  bool earlier = false;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    const auto due = deadline.value_or(Clock::time_point::max());
    earlier = due < planned_;
    entries_.emplace(id, Entry{due, std::move(stop)});
  }
  // run() holds the lock from its scan until it waits, so only a deadline earlier than the one
  // it waits for needs a wake-up.
  if (earlier) cv_.notify_all();
  return Guard(this, id);
}

void Watchdog::trigger(std::uint64_t id) {
  {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(id);
    if (it == entries_.end()) return;
    it->second.due = Clock::now();
  }
  cv_.notify_all();
}

void Watchdog::disarm(std::uint64_t id) {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] {
    const auto it = entries_.find(id);
    return it == entries_.end() || !it->second.stopping;
  });
  entries_.erase(id);
  // No wake-up: run() waking at a removed entry's deadline finds nothing due and waits again.
}

void Watchdog::run() {
  std::unique_lock lock(mutex_);
  while (!quit_) {
    const auto now = Clock::now();
    auto next = Clock::time_point::max();
    auto due = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.due <= now && due == entries_.end()) due = it;
      next = std::min(next, it->second.due);
    }
    if (due == entries_.end()) {
      planned_ = next;
      if (next == Clock::time_point::max()) {
        cv_.wait(lock);
      } else {
        cv_.wait_until(lock, next);
      }
      continue;
    }
    // Outside the lock: stop() takes the connection's socket mutex, which a connect may hold.
    Entry& entry = due->second;
    entry.stopping = true;
    entry.due = now + kRestopInterval;
    std::function<void()> stop = entry.stop;
    planned_ = Clock::time_point::min();  // not waiting: every arm() may notify until the next wait
    lock.unlock();
    stop();
    lock.lock();
    entry.stopping = false;  // disarm() waits for this flag, so `entry` is still there
    cv_.notify_all();
  }
}

Watchdog::Guard::Guard(Guard&& other) noexcept : owner_(other.owner_), id_(other.id_) { other.owner_ = nullptr; }

Watchdog::Guard::~Guard() {
  if (owner_ != nullptr) owner_->disarm(id_);
}

void Watchdog::Guard::trigger() {
  if (owner_ != nullptr) owner_->trigger(id_);
}

}  // namespace fini::rest
