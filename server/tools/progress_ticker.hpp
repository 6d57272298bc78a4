#pragma once
// Heartbeat progress for slow upstream calls: a call that is still waiting for Fini after the
// first delay gets a notifications/progress (and another every interval), a fast call gets
// none. That keeps progress away from the result line — clients that retire the token when the
// result arrives would reject a progress line racing it. One background thread per ticker.
// Thread-safe; disarm() guarantees no callback for that id runs after it returns.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace fini::tools {

class ProgressTicker {
 public:
  // tick(n) is called with n = 1, 2, … while armed.
  using Tick = std::function<void(int)>;

  ProgressTicker(std::chrono::milliseconds first, std::chrono::milliseconds every);
  ~ProgressTicker();
  ProgressTicker(const ProgressTicker&) = delete;
  ProgressTicker& operator=(const ProgressTicker&) = delete;

  // RAII: ticks run while an Armed is alive; its destruction (or reset()) disarms, and no tick
  // for it runs after that returns.
  class [[nodiscard]] Armed {
   public:
    Armed(ProgressTicker& ticker, std::uint64_t id) : ticker_(&ticker), id_(id) {}
    Armed(const Armed&) = delete;
    Armed& operator=(const Armed&) = delete;
    ~Armed() { reset(); }
    void reset() {
      if (ticker_ != nullptr) ticker_->disarm(id_);
      ticker_ = nullptr;
    }

   private:
    ProgressTicker* ticker_;
    std::uint64_t id_;
  };
  Armed arm(Tick tick);

 private:
  struct Entry {
    std::chrono::steady_clock::time_point due;
    int count = 0;
    Tick tick;
  };
  void loop();
  void disarm(std::uint64_t id);

  const std::chrono::milliseconds first_, every_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::uint64_t, Entry> entries_;
  std::uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace fini::tools
