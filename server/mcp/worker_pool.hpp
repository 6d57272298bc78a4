#pragma once
// A pool of up to `max_threads` worker threads running queued jobs in FIFO order. Threads are
// started on demand (a job finding no idle worker starts one), so a large limit costs nothing
// at start-up and an idle server holds only the threads it once needed. Thread-safe.
// shutdown() stops accepting work, runs what is queued, and joins; jobs must not throw.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fini::mcp {

class WorkerPool {
 public:
  explicit WorkerPool(std::size_t max_threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  bool submit(std::function<void()> job);  // false once shut down
  void shutdown();                         // drains queued jobs, then joins
  std::size_t threads() const;             // started so far

 private:
  void loop();
  const std::size_t max_threads_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace fini::mcp
