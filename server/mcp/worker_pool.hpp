#pragma once
// A fixed-size pool of worker threads running queued jobs in FIFO order. Thread-safe.
// shutdown() stops accepting work and joins; jobs must not throw (the dispatcher catches).

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
  explicit WorkerPool(std::size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  bool submit(std::function<void()> job);  // false once shut down
  void shutdown();                          // drains queued jobs, then joins

 private:
  void loop();
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

}  // namespace fini::mcp
