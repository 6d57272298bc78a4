#pragma once
// The one way `fini-mcp doctor` talks to Fini: a read tool's request (as the tool would map it),
// timed, recorded as a RouteCheck and its answer checked against the tool's outputSchema. Refuses
// any tool that is not read-scope and stops after kMaxRequests. Not thread-safe (one doctor run).

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/doctor_report.hpp"
#include "rest/http_client.hpp"
#include "tools/manifest.hpp"
#include "tools/output_check.hpp"

namespace fini::cli {

class DoctorProbe {
 public:
  static constexpr std::size_t kMaxRequests = 40;

  DoctorProbe(rest::HttpClient& http, std::string key, const std::vector<tools::Manifest>& manifests,
              DoctorReport& report);

  // The 2xx JSON body of `tool` called with `args`, or nullopt (any other answer, or not sent).
  // extra_query is appended to the mapped query (the unknown-parameter question).
  std::optional<nlohmann::json> read(const std::string& tool, const nlohmann::json& args,
                                     const std::string& purpose = {},
                                     const std::vector<std::pair<std::string, std::string>>& extra_query = {});
  const RouteCheck& last() const { return report_.routes.back(); }
  std::vector<std::string> read_tools() const;

 private:
  void check_schema(const tools::Manifest& m, const rest::HttpResponse& response, RouteCheck& route) const;

  rest::HttpClient& http_;
  std::string key_;
  std::map<std::string, const tools::Manifest*> read_manifests_;
  std::map<std::string, tools::OutputCheck> checks_;
  DoctorReport& report_;
};

// "agents[3]", "{interactions[12], hasMore, nextCursor}", "null": structure only, never values.
std::string shape_of(const nlohmann::json& body);

}  // namespace fini::cli
