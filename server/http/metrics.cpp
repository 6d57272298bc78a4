#include "http/metrics.hpp"

#include <sstream>

#include "common/schema_drift.hpp"

namespace fini::http {

namespace {

const std::string kOther = "other";
const std::string kNone = "-";

// Every method an MCP client of either era may send (unknown ones are answered -32601, and counted as "other").
bool known_method(const std::string& method) {
  static const std::unordered_set<std::string> methods = {"initialize",
                                                          "ping",
                                                          "tools/list",
                                                          "tools/call",
                                                          "prompts/list",
                                                          "prompts/get",
                                                          "resources/list",
                                                          "resources/read",
                                                          "resources/templates/list",
                                                          "logging/setLevel",
                                                          "completion/complete",
                                                          "server/discover",
                                                          "resources/subscribe",
                                                          "resources/unsubscribe"};
  return methods.count(method) > 0;
}

}  // namespace

void Metrics::set_known_tools(const std::vector<std::string>& tools) {
  known_tools_.insert(tools.begin(), tools.end());
}

const std::string& Metrics::method_label(const std::string& method) const {
  if (method == kNone) return kNone;
  return known_method(method) ? method : kOther;
}

const std::string& Metrics::tool_label(const std::string& tool) const {
  if (tool.empty() || tool == kNone) return kNone;
  return known_tools_.count(tool) > 0 ? tool : kOther;
}

void Metrics::request_done(const std::string& method, const std::string& tool, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{method_label(method), tool_label(tool), status}];
  ++latency_count_;
  latency_sum_ += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++bucket_counts_[i];
  }
}

void Metrics::upstream_done(const std::string& tool, int status) {
  std::lock_guard lock(mutex_);
  ++upstream_[{tool_label(tool), status}];
}

void Metrics::rejected(const std::string& reason) {
  std::lock_guard lock(mutex_);
  ++rejected_[reason];
}

std::string Metrics::render() const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  out << "# HELP fini_mcp_http_requests_total MCP HTTP requests by JSON-RPC method, tool and HTTP status.\n"
         "# TYPE fini_mcp_http_requests_total counter\n";
  for (const auto& [labels, n] : requests_) {
    const auto& [method, tool, status] = labels;
    out << "fini_mcp_http_requests_total{method=\"" << method << "\",tool=\"" << tool << "\",status=\"" << status
        << "\"} " << n << "\n";
  }
  out << "# HELP fini_mcp_upstream_calls_total Calls to the Fini API by tool and HTTP status (0: no answer).\n"
         "# TYPE fini_mcp_upstream_calls_total counter\n";
  for (const auto& [labels, n] : upstream_) {
    out << "fini_mcp_upstream_calls_total{tool=\"" << labels.first << "\",status=\"" << labels.second << "\"} " << n
        << "\n";
  }
  out << "# HELP fini_mcp_http_request_duration_seconds Latency of /mcp requests.\n"
         "# TYPE fini_mcp_http_request_duration_seconds histogram\n";
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    out << "fini_mcp_http_request_duration_seconds_bucket{le=\"" << kBuckets[i] << "\"} " << bucket_counts_[i] << "\n";
  }
  out << "fini_mcp_http_request_duration_seconds_bucket{le=\"+Inf\"} " << latency_count_ << "\n"
      << "fini_mcp_http_request_duration_seconds_sum " << latency_sum_ << "\n"
      << "fini_mcp_http_request_duration_seconds_count " << latency_count_ << "\n";
  out << "# HELP fini_mcp_http_in_flight /mcp requests being served.\n# TYPE fini_mcp_http_in_flight gauge\n"
      << "fini_mcp_http_in_flight " << in_flight_.load() << "\n";
  out << "# HELP fini_mcp_http_rejected_total Requests refused before dispatch, by reason.\n"
         "# TYPE fini_mcp_http_rejected_total counter\n";
  for (const auto& [reason, n] : rejected_)
    out << "fini_mcp_http_rejected_total{reason=\"" << reason << "\"} " << n << "\n";
  out << "# HELP fini_mcp_schema_drift_total Fini answers that did not match the tool's outputSchema (coerced or "
         "answered as an error); `fini-mcp doctor` shows which field.\n# TYPE fini_mcp_schema_drift_total counter\n";
  for (const auto& [tool, n] : schema_drift_counts())
    out << "fini_mcp_schema_drift_total{tool=\"" << tool << "\"} " << n << "\n";
  return out.str();
}

}  // namespace fini::http
