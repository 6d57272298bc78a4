#pragma once
// Watchdog: one timer thread per HTTP client that aborts in-flight requests from outside, at
// their deadline or when their CancelToken fires. httplib's timeouts are per read, so a peer
// that dribbles bytes would otherwise hold a call for ever; shutting the socket from another
// thread is the only interruption httplib (0.11) makes thread-safe (ClientImpl::stop()).
// Thread-safety: arm() and Guard may be used from any thread. Never throws (beyond bad_alloc).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace fini::rest {

class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;

  Watchdog();
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // RAII: while alive, `stop` is called (on the watchdog thread) once the deadline passes or
  // trigger() is called, and again every kRestopInterval until the guard is destroyed: a stop
  // that lands just before the request takes its socket would otherwise be lost. The destructor
  // waits for a stop in progress, so `stop` may use what the guard's owner holds.
  class Guard {
   public:
    Guard(Guard&& other) noexcept;
    Guard& operator=(Guard&&) = delete;
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    ~Guard();
    void trigger();  // stop now (cancellation); cheap, never blocks on the stop itself

   private:
    friend class Watchdog;
    Guard(Watchdog* owner, std::uint64_t id) : owner_(owner), id_(id) {}
    Watchdog* owner_;
    std::uint64_t id_;
  };
  [[nodiscard]] Guard arm(std::optional<Clock::time_point> deadline, std::function<void()> stop);

  static constexpr std::chrono::milliseconds kRestopInterval{25};

 private:
  struct Entry {
    Clock::time_point due;  // time_point::max(): only on trigger()
    std::function<void()> stop;
    bool stopping = false;
  };

  void run();
  void trigger(std::uint64_t id);
  void disarm(std::uint64_t id);

  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::uint64_t, Entry> entries_;
  // When run() will next look, set before it waits: arm() wakes it only for an earlier deadline
  // (one wake-up per arm/disarm pair made every call pay two context switches of this thread).
  Clock::time_point planned_ = Clock::time_point::min();
  std::uint64_t next_id_ = 1;
  bool quit_ = false;
  std::thread thread_;
};

}  // namespace fini::rest
