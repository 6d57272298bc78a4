#include "platform/accepted_socket.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "support/loopback_pair.hpp"

namespace fini::platform {
namespace {

TEST(AcceptedSocket, RemembersWhatAcceptReturnedOnThisThreadOnce) {
  EXPECT_EQ(take_last_accepted_socket(), -1);
  fini::test::LoopbackPair pair;  // calls accept() by its libc name
  ASSERT_GE(pair.accepted, 0);
  EXPECT_EQ(take_last_accepted_socket(), pair.accepted);
  EXPECT_EQ(take_last_accepted_socket(), -1);
}

TEST(AcceptedSocket, IsPerThread) {
  fini::test::LoopbackPair pair;
  int elsewhere = 0;
  std::thread other([&] { elsewhere = take_last_accepted_socket(); });
  other.join();
  EXPECT_EQ(elsewhere, -1);
  EXPECT_EQ(take_last_accepted_socket(), pair.accepted);
}

}  // namespace
}  // namespace fini::platform
