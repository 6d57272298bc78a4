#include "platform/process.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace fini::platform {
namespace {

TEST(ProcessStats, ReadsThisProcesssResidentMemoryAndCpu) {
  // Touch 8 MiB so the resident size is certainly well above zero and grows.
  const auto before = process_stats();
  std::vector<char> block(8 << 20, 1);
  volatile std::uint64_t sum = 0;
  for (std::size_t i = 0; i < block.size(); i += 4096) sum = sum + static_cast<unsigned char>(block[i]);
  const auto after = process_stats();
  EXPECT_GT(before.resident_bytes, 0u);
  EXPECT_GE(after.resident_bytes, before.resident_bytes + (4u << 20));
  EXPECT_GT(after.cpu_seconds, 0.0);
  EXPECT_GE(after.open_descriptors, 3);  // stdin, stdout, stderr at least
}

TEST(ProcessStats, ListsADescriptorWhileItIsOpenAndNotAfter) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  auto open_now = open_descriptors();
  EXPECT_TRUE(std::is_sorted(open_now.begin(), open_now.end()));
  EXPECT_NE(std::find(open_now.begin(), open_now.end(), fds[1]), open_now.end());
  ::close(fds[0]);
  ::close(fds[1]);
  open_now = open_descriptors();
  EXPECT_EQ(std::find(open_now.begin(), open_now.end(), fds[1]), open_now.end());
  EXPECT_EQ(static_cast<int>(open_now.size()), process_stats().open_descriptors);
}

TEST(ProcessStats, KnowsItsOwnExecutable) {
  const auto exe = executable_path();
  EXPECT_EQ(exe.filename(), "platform_tests");
  EXPECT_TRUE(exe.is_absolute());
}

TEST(ProcessStats, ReleasingFreeMemoryKeepsTheHeapUsable) {
  {
    auto big = std::make_unique<char[]>(32 << 20);
    big[0] = 1;
  }
  release_free_memory();
  auto again = std::make_unique<char[]>(1 << 20);
  again[0] = 2;
  EXPECT_EQ(again[0], 2);
}

}  // namespace
}  // namespace fini::platform
