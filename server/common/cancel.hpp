#pragma once
// CancelToken: one call's "stop now" flag, shared by the session (client cancellation, shutdown,
// disconnect) and the code doing the work (an HTTP request, a retry wait, an elicitation).
// Callbacks registered with on_cancel() run once, on the cancelling thread, so a blocked socket
// can be shut from outside. Thread-safe. Never throws (beyond std::bad_alloc).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace fini {

class CancelToken {
 public:
  using Clock = std::chrono::steady_clock;

  CancelToken() = default;
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  // Idempotent; the first reason wins ("cancelled by the client", "the server is shutting down").
  void cancel(std::string reason);
  bool cancelled() const;
  std::string reason() const;

  // Waits until cancelled (true) or the deadline passes (false).
  bool wait_until(Clock::time_point deadline) const;

  // RAII: while alive, `fn` runs once when the token is cancelled (at once, on this thread,
  // when it already is). The destructor unregisters, waiting for a callback in progress.
  class Registration {
   public:
    Registration() = default;
    Registration(Registration&& other) noexcept;
    Registration& operator=(Registration&& other) noexcept;
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    ~Registration();

   private:
    friend class CancelToken;
    Registration(const CancelToken* token, std::uint64_t id) : token_(token), id_(id) {}
    void reset();
    const CancelToken* token_ = nullptr;
    std::uint64_t id_ = 0;
  };
  [[nodiscard]] Registration on_cancel(std::function<void()> fn) const;

 private:
  void unregister(std::uint64_t id) const;

  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  bool cancelled_ = false;
  bool running_callbacks_ = false;
  std::string reason_;
  mutable std::map<std::uint64_t, std::function<void()>> callbacks_;
  mutable std::uint64_t next_id_ = 1;
};

}  // namespace fini
