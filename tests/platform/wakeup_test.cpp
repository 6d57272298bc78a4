#include "platform/wakeup.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <thread>

namespace fini::platform {
namespace {

bool readable_now(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

// A thread blocked in poll on an idle pipe (nobody ever writes it) and the wakeup: only signal()
// can end that wait, so the join below hangs (and the test times out) if the wakeup does not work.
TEST(Wakeup, InterruptsAReadBlockedOnAnotherThread) {
  Wakeup wakeup;
  ASSERT_TRUE(wakeup.valid());
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  short pipe_events = -1;
  std::thread reader([&] {
    pollfd fds[2] = {{pipe_fds[0], POLLIN, 0}, {wakeup.fd(), POLLIN, 0}};
    ASSERT_EQ(::poll(fds, 2, -1), 1);
    pipe_events = fds[0].revents;
    EXPECT_NE(fds[1].revents & POLLIN, 0);
  });
  wakeup.signal();
  reader.join();
  EXPECT_EQ(pipe_events, 0);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

TEST(Wakeup, StaysReadableUntilClearedAndCanBeUsedAgain) {
  Wakeup wakeup;
  EXPECT_FALSE(readable_now(wakeup.fd()));
  wakeup.signal();
  wakeup.signal();
  EXPECT_TRUE(readable_now(wakeup.fd()));
  EXPECT_TRUE(readable_now(wakeup.fd()));  // polling does not consume it
  wakeup.clear();                          // one clear() consumes both signals
  EXPECT_FALSE(readable_now(wakeup.fd()));
  wakeup.clear();  // nothing pending: returns at once
  wakeup.signal();
  EXPECT_TRUE(readable_now(wakeup.fd()));
}

}  // namespace
}  // namespace fini::platform
