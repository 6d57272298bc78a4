// BoundedTaskQueue with real accepted sockets on loopback (accept() goes through the accept hook,
// as httplib's does): at most N connections run, the ones beyond are handed to the refuser at
// once, a connection the hook did not see goes to an overflow thread, and shutdown joins.
#include "http/task_queue.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>
#include <vector>

#include "http/request_scope.hpp"
#include "loopback.hpp"

namespace fini::http {
namespace {

using test::connect_loopback;
using test::LoopbackListener;

// Jobs that report what they saw and wait until the test lets them go.
struct Gate {
  std::mutex mutex;
  std::condition_variable cv;
  bool open = false;
  int started = 0, overflow_started = 0;
  std::set<int> socks;  // t_conn_sock as each job saw it

  std::function<void()> job() {
    return [this] {
      std::unique_lock lock(mutex);
      ++started;
      if (t_overflow) ++overflow_started;
      socks.insert(t_conn_sock);
      cv.notify_all();
      cv.wait(lock, [&] { return open; });
    };
  }
  bool wait_started(int n) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return started >= n; });
  }
  void release() {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    cv.notify_all();
  }
};

class TaskQueueTest : public ::testing::Test {
 protected:
  // Connects a client and accepts it on this thread, as httplib's accept loop does before enqueue.
  int accept_one() {
    clients_.push_back(connect_loopback(listener_.port()));
    const int sock = ::accept(listener_.fd(), nullptr, nullptr);
    accepted_.push_back(sock);
    return sock;
  }
  void TearDown() override {
    for (int fd : clients_) ::close(fd);
  }
  LoopbackListener listener_;
  std::vector<int> clients_, accepted_;
};

TEST_F(TaskQueueTest, RunsAtMostNAndRefusesTheRestAtOnce) {
  constexpr int kThreads = 3, kBeyond = 2;
  Gate gate;
  std::vector<int> refused;
  BoundedTaskQueue queue(kThreads, 1, [&](int sock) {
    refused.push_back(sock);
    ::close(sock);
    return true;
  });
  for (int i = 0; i < kThreads + kBeyond; ++i) {
    accept_one();
    queue.enqueue(gate.job());
  }
  // The refusals happened inside enqueue, while all N jobs still hold their threads.
  ASSERT_EQ(refused.size(), static_cast<std::size_t>(kBeyond));
  EXPECT_EQ(refused[0], accepted_[kThreads]);
  EXPECT_EQ(refused[1], accepted_[kThreads + 1]);
  ASSERT_TRUE(gate.wait_started(kThreads));
  {
    std::lock_guard lock(gate.mutex);
    EXPECT_EQ(gate.overflow_started, 0);
    // Each connection thread knew the socket it was serving.
    EXPECT_EQ(gate.socks, (std::set<int>{accepted_[0], accepted_[1], accepted_[2]}));
  }
  gate.release();
  queue.shutdown();
  EXPECT_EQ(gate.started, kThreads);
  for (int i = 0; i < kThreads; ++i) ::close(accepted_[static_cast<std::size_t>(i)]);
}

TEST_F(TaskQueueTest, AConnectionTheHookDidNotSeeGoesToAnOverflowThread) {
  Gate gate;
  int refusals = 0;
  BoundedTaskQueue queue(1, 1, [&](int) {
    ++refusals;
    return true;
  });
  accept_one();
  queue.enqueue(gate.job());
  ASSERT_TRUE(gate.wait_started(1));
  queue.enqueue(gate.job());  // no accept() on this thread since: no socket to refuse
  ASSERT_TRUE(gate.wait_started(2));
  EXPECT_EQ(refusals, 0);
  {
    std::lock_guard lock(gate.mutex);
    EXPECT_EQ(gate.overflow_started, 1);
    EXPECT_EQ(gate.socks, (std::set<int>{accepted_[0], -1}));  // overflow threads are not told the socket
  }
  gate.release();
  queue.shutdown();
  ::close(accepted_[0]);
}

TEST_F(TaskQueueTest, ARefuserThatDeclinesLeavesTheConnectionToAnOverflowThread) {
  Gate gate;
  BoundedTaskQueue queue(1, 1, [](int) { return false; });
  accept_one();
  queue.enqueue(gate.job());
  accept_one();
  queue.enqueue(gate.job());
  ASSERT_TRUE(gate.wait_started(2));
  EXPECT_EQ(gate.overflow_started, 1);
  gate.release();
  queue.shutdown();
  for (int fd : accepted_) ::close(fd);
}

TEST_F(TaskQueueTest, ShutdownRunsWhatIsQueuedAndJoins) {
  Gate gate;
  BoundedTaskQueue queue(1, 1, [](int) { return false; });
  queue.enqueue(gate.job());
  queue.enqueue(gate.job());  // overflow thread
  queue.enqueue(gate.job());  // queued behind it
  ASSERT_TRUE(gate.wait_started(2));
  gate.release();
  queue.shutdown();  // returns once every thread has ended
  EXPECT_EQ(gate.started, 3);
}

}  // namespace
}  // namespace fini::http
