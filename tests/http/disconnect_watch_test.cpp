// The disconnect watch over real loopback TCP: a peer that leaves is reported by its call's id,
// and a socket whose guard has gone is not reported any more.
#include "http/disconnect_watch.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <vector>

#include "support/loopback_pair.hpp"

namespace fini::http {
namespace {

class Reports {
 public:
  void add(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    ids_.push_back(id);
    cv_.notify_all();
  }
  std::vector<std::uint64_t> wait_for(std::size_t n) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return ids_.size() >= n; });
    return ids_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::uint64_t> ids_;
};

TEST(DisconnectWatch, APeerLeavingIsReportedByTheCallsIdOnlyWhileArmed) {
  Reports reports;
  DisconnectWatch watch([&](std::uint64_t id) { reports.add(id); });
  fini::test::LoopbackPair unarmed, armed;
  { const auto guard = watch.watch(unarmed.accepted, 7); }  // the call ended before its client left
  const auto guard = watch.watch(armed.accepted, 9);
  unarmed.close_client();
  armed.close_client();
  EXPECT_EQ(reports.wait_for(1), std::vector<std::uint64_t>{9});
}

TEST(DisconnectWatch, NoSocketMeansNothingToWatch) {
  DisconnectWatch watch([](std::uint64_t) { ADD_FAILURE() << "nothing was watched"; });
  const auto guard = watch.watch(-1, 3);
}

}  // namespace
}  // namespace fini::http
