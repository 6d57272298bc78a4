#pragma once
// httplib's thread pool queues connections without bound; this one runs at most `threads` of
// them and refuses the rest at once: `refuse` (the OverflowRefuser) answers 503 without reading
// the request, so a slow client cannot hold it. Should the accept hook not have seen the socket
// (or `refuse` decline it), a few overflow threads take the connection instead, marked by
// t_overflow so that the edge answers its request 503 after reading it.
// Each connection thread has t_conn_sock (http/request_scope.hpp) set to its socket while it
// serves it. Thread-safety: enqueue() from httplib's accept thread; shutdown() once, which runs
// what is queued and joins every thread.

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fini::http {

class BoundedTaskQueue final : public httplib::TaskQueue {
 public:
  // `refuse` takes the socket when it returns true.
  BoundedTaskQueue(std::size_t threads, std::size_t overflow, std::function<bool(int)> refuse);
  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

 private:
  void loop(std::deque<std::function<void()>>& jobs, bool overflow);

  const std::size_t limit_;
  const std::function<bool(int)> refuse_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> main_, overflow_;
  std::size_t active_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace fini::http
