#include "common/cancel.hpp"

#include <vector>

namespace fini {

void CancelToken::cancel(std::string reason) {
  std::vector<std::function<void()>> to_run;
  {
    std::lock_guard lock(mutex_);
    if (cancelled_) return;
    cancelled_ = true;
    reason_ = std::move(reason);
    running_callbacks_ = true;
    for (auto& [id, fn] : callbacks_) to_run.push_back(fn);
  }
  cv_.notify_all();
  // Outside the lock: a callback may shut a socket, which can take a moment.
  for (auto& fn : to_run) fn();
  {
    std::lock_guard lock(mutex_);
    running_callbacks_ = false;
    callbacks_.clear();
  }
  cv_.notify_all();
}

bool CancelToken::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

std::string CancelToken::reason() const {
  std::lock_guard lock(mutex_);
  return reason_;
}

bool CancelToken::wait_until(Clock::time_point deadline) const {
  std::unique_lock lock(mutex_);
  return cv_.wait_until(lock, deadline, [this] { return cancelled_; });
}

CancelToken::Registration CancelToken::on_cancel(std::function<void()> fn) const {
  {
    std::lock_guard lock(mutex_);
    if (!cancelled_) {
      const std::uint64_t id = next_id_++;
      callbacks_.emplace(id, std::move(fn));
      return Registration(this, id);
    }
  }
  fn();  // already cancelled: run now, nothing to unregister
  return Registration();
}

void CancelToken::unregister(std::uint64_t id) const {
  std::unique_lock lock(mutex_);
  // A callback being run by cancel() may still use what the registrant owns: wait it out.
  cv_.wait(lock, [this] { return !running_callbacks_; });
  callbacks_.erase(id);
}

CancelToken::Registration::Registration(Registration&& other) noexcept : token_(other.token_), id_(other.id_) {
  other.token_ = nullptr;
}

CancelToken::Registration& CancelToken::Registration::operator=(Registration&& other) noexcept {
  if (this != &other) {
    reset();
    token_ = other.token_;
    id_ = other.id_;
    other.token_ = nullptr;
  }
  return *this;
}

CancelToken::Registration::~Registration() { reset(); }

void CancelToken::Registration::reset() {
  if (token_ != nullptr) token_->unregister(id_);
  token_ = nullptr;
}

}  // namespace fini
