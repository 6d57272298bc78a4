#include "http/task_queue.hpp"

#include <utility>

#include "http/request_scope.hpp"
#include "platform/accepted_socket.hpp"

namespace fini::http {

BoundedTaskQueue::BoundedTaskQueue(std::size_t threads, std::size_t overflow, std::function<bool(int)> refuse)
    : limit_(threads), refuse_(std::move(refuse)) {
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { loop(main_, false); });
  for (std::size_t i = 0; i < overflow; ++i) threads_.emplace_back([this] { loop(overflow_, true); });
}

void BoundedTaskQueue::enqueue(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    if (active_ < limit_) {
      ++active_;
      main_.push_back([fn = std::move(fn), sock = platform::take_last_accepted_socket()] {
        t_conn_sock = sock;
        fn();
        t_conn_sock = -1;
      });
    } else if (const int sock = platform::take_last_accepted_socket(); sock >= 0 && refuse_(sock)) {
      return;  // `fn` only held the socket, which the refuser now owns
    } else {
      overflow_.push_back(std::move(fn));
    }
  }
  cv_.notify_all();
}

void BoundedTaskQueue::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void BoundedTaskQueue::loop(std::deque<std::function<void()>>& jobs, bool overflow) {
  t_overflow = overflow;
  for (;;) {
    std::function<void()> fn;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || !jobs.empty(); });
      if (jobs.empty()) return;
      fn = std::move(jobs.front());
      jobs.pop_front();
    }
    fn();
    if (!overflow) {
      std::lock_guard lock(mutex_);
      --active_;
    }
  }
}

}  // namespace fini::http
