#pragma once
// What `fini-mcp doctor` found, and its two renderings (text for a person, JSON for machines).
// Holds only shapes, counts, statuses, timings and type names: nothing from the key or the data.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/output_check.hpp"

namespace fini::cli {

struct RouteCheck {
  std::string tool;
  std::string method;
  std::string path;     // the manifest's route template, e.g. /v2/tag-groups/{id}/public
  std::string family;   // the toolset
  std::string purpose;  // empty for the tool's own check; else which question it answers
  int status = 0;       // 0: no HTTP answer (see error)
  std::string error;    // transport failure, without the key
  double ms = 0;
  std::string shape;  // "agents[3]", "{interactions[12], hasMore, nextCursor}"
  bool schema_checked = false;
  std::vector<tools::SchemaDrift> drift;
};

struct Question {
  std::string id;  // agent_filter, page_key, window_90_days, unknown_query, tree_file
  std::string question;
  std::string answer;
  bool differs = false;  // the API does not behave as the docs and our manifests assume
};

struct DoctorReport {
  std::string version;
  std::string base_url;
  std::string key;  // "valid (from FINI_API_KEY)", never the key
  std::string scopes;
  std::string workspace = "unknown";  // or a fingerprint
  std::string tls;
  std::string proxy;
  std::vector<RouteCheck> routes;
  std::vector<Question> questions;
  std::vector<std::string> not_checked;  // "get_tag: no tag in the workspace"
  bool key_rejected = false;             // no usable answer to the first request (401, 403, no connection)

  bool drift_found() const;
  bool differs() const;
  int exit_code() const;
};

std::string render_text(const DoctorReport& report);
nlohmann::json render_json(const DoctorReport& report);

}  // namespace fini::cli
