#pragma once
// Prometheus counters of the HTTP transport: requests by JSON-RPC method, tool and HTTP status;
// upstream calls by tool and status; a latency histogram of /mcp requests; requests in flight
// and rejected (by reason). Method and tool labels come from the client before it is authenticated,
// so only known names are kept (the MCP methods; the tools given by set_known_tools, i.e. the
// manifests) and anything else is counted as "other": label sets stay bounded and a stranger can
// neither grow them nor write into /metrics. Statuses are numbers. Thread-safe.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <unordered_set>
#include <vector>

namespace fini::http {

class Metrics {
 public:
  // The tool names a label may carry (set before serving; others become "other").
  void set_known_tools(const std::vector<std::string>& tools);
  void request_done(const std::string& method, const std::string& tool, int status, double seconds);
  void upstream_done(const std::string& tool, int status);
  void rejected(const std::string& reason);
  void in_flight_add(int delta) { in_flight_ += delta; }
  long in_flight() const { return in_flight_.load(); }
  std::string render() const;  // text/plain; version=0.0.4

 private:
  static constexpr std::array<double, 12> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  const std::string& method_label(const std::string& method) const;
  const std::string& tool_label(const std::string& tool) const;

  std::unordered_set<std::string> known_tools_;  // written before serving, then only read
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::pair<std::string, int>, std::uint64_t> upstream_;
  std::map<std::string, std::uint64_t> rejected_;
  std::array<std::uint64_t, kBuckets.size()> bucket_counts_{};
  std::uint64_t latency_count_ = 0;
  double latency_sum_ = 0;
  std::atomic<long> in_flight_{0};
};

}  // namespace fini::http
