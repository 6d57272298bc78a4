#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tools/progress_ticker.hpp"

namespace fini::tools {
namespace {

using namespace std::chrono_literals;

TEST(ProgressTicker, FastCallGetsNoTick) {
  ProgressTicker ticker(200ms, 200ms);
  std::atomic<int> ticks{0};
  auto id = ticker.arm([&](int) { ++ticks; });
  id.reset();
  std::this_thread::sleep_for(300ms);  // past the first delay: nothing may fire any more
  EXPECT_EQ(ticks.load(), 0);
}

TEST(ProgressTicker, SlowCallTicksMonotonicallyAndStopsAtDisarm) {
  ProgressTicker ticker(10ms, 10ms);
  std::atomic<int> last{0};
  std::atomic<bool> monotonic{true};
  auto id = ticker.arm([&](int n) {
    if (n != last.load() + 1) monotonic = false;
    last = n;
  });
  for (int i = 0; i < 500 && last.load() < 3; ++i) std::this_thread::sleep_for(5ms);
  id.reset();
  const int at_disarm = last.load();
  EXPECT_GE(at_disarm, 3);
  EXPECT_TRUE(monotonic.load());
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(last.load(), at_disarm) << "a tick ran after disarm() returned";
}

}  // namespace
}  // namespace fini::tools
