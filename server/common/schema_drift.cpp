#include "common/schema_drift.hpp"

#include <mutex>

namespace fini {

namespace {

struct DriftCounts {
  std::mutex mutex;
  std::map<std::string, std::uint64_t> by_tool;
};

DriftCounts& counts() {
  static DriftCounts instance;  // never destroyed before the threads that record into it
  return instance;
}

}  // namespace

void record_schema_drift(const std::string& tool) {
  auto& c = counts();
  std::lock_guard lock(c.mutex);
  ++c.by_tool[tool];
}

std::map<std::string, std::uint64_t> schema_drift_counts() {
  auto& c = counts();
  std::lock_guard lock(c.mutex);
  return c.by_tool;
}

}  // namespace fini
