#include "platform/signal_reader.hpp"

#include <gtest/gtest.h>
#include <pthread.h>

#include <csignal>
#include <thread>

namespace fini::platform {
namespace {

// SIGUSR1/SIGUSR2 blocked in this thread and in every thread it starts afterwards, as main() does
// for SIGTERM/SIGINT; the previous mask comes back at the end of the test.
class BlockedSignals {
 public:
  BlockedSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGUSR1);
    sigaddset(&set_, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  }
  ~BlockedSignals() {
    // Drain what a failed test left pending so unblocking does not kill the process.
    timespec zero{};
    while (sigtimedwait(&set_, nullptr, &zero) > 0) {}
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  const sigset_t& set() const { return set_; }

 private:
  sigset_t set_{};
  sigset_t previous_{};
};

TEST(SignalReader, ReadsSignalsSentToThisProcessInOrder) {
  BlockedSignals blocked;
  SignalReader reader(blocked.set());
  ASSERT_TRUE(reader.valid());
  Wakeup stop;
  ASSERT_EQ(::kill(::getpid(), SIGUSR1), 0);
  EXPECT_EQ(reader.next(stop), SIGUSR1);
  ASSERT_EQ(::kill(::getpid(), SIGUSR2), 0);
  EXPECT_EQ(reader.next(stop), SIGUSR2);
}

TEST(SignalReader, ASignalWakesAReaderBlockedOnAnotherThread) {
  BlockedSignals blocked;
  SignalReader reader(blocked.set());
  Wakeup stop;
  int got = -1;
  std::thread waiter([&] { got = reader.next(stop); });  // inherits the blocked mask
  ASSERT_EQ(::kill(::getpid(), SIGUSR1), 0);
  waiter.join();
  EXPECT_EQ(got, SIGUSR1);
}

TEST(SignalReader, StopEndsTheWaitWithZero) {
  BlockedSignals blocked;
  SignalReader reader(blocked.set());
  Wakeup stop;
  int got = -1;
  std::thread waiter([&] { got = reader.next(stop); });
  stop.signal();
  waiter.join();
  EXPECT_EQ(got, 0);
}

}  // namespace
}  // namespace fini::platform
