// FdInput over a real pipe: lines come through, and interrupt() from another thread ends a read
// that is blocked on a pipe nobody writes to (as shutdown does with stdin).
#include "common/fd_input.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <istream>
#include <string>
#include <thread>

namespace fini {
namespace {

TEST(FdInput, InterruptEndsAReadBlockedOnAnIdlePipe) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "one\n", 4), 4);
  FdInput input(fds[0]);
  std::istream in(&input);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line, "one");
  bool got_more = true;
  std::thread reader([&] {
    std::string next;
    got_more = static_cast<bool>(std::getline(in, next));  // blocks: the write end stays open
  });
  input.interrupt();
  reader.join();  // hangs (the test times out) if interrupt() cannot reach the blocked read
  EXPECT_FALSE(got_more);
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace fini
