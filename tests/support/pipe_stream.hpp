#pragma once
// A blocking in-memory pipe for driving a Session from a test thread: the session reads from
// `in()` (blocking until data or close()), the test writes lines with send(). Thread-safe.

#include <condition_variable>
#include <deque>
#include <istream>
#include <mutex>
#include <streambuf>
#include <string>

namespace fini::test {

class PipeBuf : public std::streambuf {
 public:
  void write(const std::string& data) {
    std::lock_guard lock(mutex_);
    for (char c : data) queue_.push_back(c);
    cv_.notify_all();
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    cv_.notify_all();
  }

 protected:
  int_type underflow() override {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return traits_type::eof();
    current_ = queue_.front();
    queue_.pop_front();
    setg(&current_, &current_, &current_ + 1);
    return traits_type::to_int_type(current_);
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<char> queue_;
  bool closed_ = false;
  char current_ = 0;
};

// Collects the session's output lines; waits for lines matching a predicate.
class LineSink : public std::streambuf {
 public:
  template <typename Pred>
  bool wait_for(Pred pred, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return pred(lines_); });
  }
  std::deque<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 protected:
  int_type overflow(int_type ch) override {
    if (ch == traits_type::eof()) return 0;
    std::lock_guard lock(mutex_);
    if (ch == '\n') {
      lines_.push_back(partial_);
      partial_.clear();
      cv_.notify_all();
    } else {
      partial_.push_back(static_cast<char>(ch));
    }
    return ch;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> lines_;
  std::string partial_;
};

}  // namespace fini::test
