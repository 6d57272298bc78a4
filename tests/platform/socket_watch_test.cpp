#include "platform/socket_watch.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "support/loopback_pair.hpp"

namespace fini::platform {
namespace {

using fini::test::LoopbackPair;

TEST(SocketWatch, ReportsThePeerClosingALoopbackConnection) {
  LoopbackPair pair;
  ASSERT_GE(pair.accepted, 0);
  SocketWatch watch;
  ASSERT_TRUE(watch.valid());
  ASSERT_TRUE(watch.add(pair.accepted, 42));
  pair.close_client();
  std::vector<std::uint64_t> gone;
  ASSERT_TRUE(watch.wait(gone));
  EXPECT_EQ(gone, std::vector<std::uint64_t>{42});
  watch.remove(pair.accepted);
}

// Data from a live peer is not a disconnect: only the close that follows it is reported.
TEST(SocketWatch, DataIsNotAnEventAndEachCloseIsReportedOnce) {
  LoopbackPair quiet, closing;
  SocketWatch watch;
  ASSERT_TRUE(watch.add(quiet.accepted, 1));
  ASSERT_TRUE(watch.add(closing.accepted, 2));
  ASSERT_EQ(::send(quiet.client, "x", 1, 0), 1);
  ASSERT_EQ(::send(closing.client, "y", 1, 0), 1);
  closing.close_client();
  std::vector<std::uint64_t> gone;
  ASSERT_TRUE(watch.wait(gone));
  EXPECT_EQ(gone, std::vector<std::uint64_t>{2});
  // The next wait sees only the stop: neither the quiet peer's data nor the reported close again.
  gone.clear();
  watch.stop();
  EXPECT_FALSE(watch.wait(gone));
  EXPECT_TRUE(gone.empty());
}

TEST(SocketWatch, ARemovedSocketIsNotReported) {
  LoopbackPair removed, watched;
  SocketWatch watch;
  ASSERT_TRUE(watch.add(removed.accepted, 1));
  ASSERT_TRUE(watch.add(watched.accepted, 2));
  watch.remove(removed.accepted);
  removed.close_client();
  watched.close_client();
  std::vector<std::uint64_t> gone;
  ASSERT_TRUE(watch.wait(gone));
  EXPECT_EQ(gone, std::vector<std::uint64_t>{2});
}

TEST(SocketWatch, StopWakesAWaitOnAnotherThreadForGood) {
  SocketWatch watch;
  bool waited = true;
  std::thread waiter([&] {
    std::vector<std::uint64_t> gone;
    waited = watch.wait(gone);
  });
  watch.stop();
  waiter.join();
  EXPECT_FALSE(waited);
  std::vector<std::uint64_t> gone;
  EXPECT_FALSE(watch.wait(gone));  // still stopped
}

TEST(SocketWatch, RefusesTagZeroAndBadSockets) {
  LoopbackPair pair;
  SocketWatch watch;
  EXPECT_FALSE(watch.add(pair.accepted, 0));  // 0 is the stop tag
  EXPECT_FALSE(watch.add(-1, 5));
}

}  // namespace
}  // namespace fini::platform
