#include "cli/doctor_report.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

namespace fini::cli {

using nlohmann::json;

namespace {

struct FamilyLatency {
  double median = 0;
  double max = 0;
  std::size_t requests = 0;
};

std::map<std::string, FamilyLatency> latency_by_family(const std::vector<RouteCheck>& routes) {
  std::map<std::string, std::vector<double>> samples;
  for (const auto& r : routes) {
    if (r.status != 0) samples[r.family].push_back(r.ms);
  }
  std::map<std::string, FamilyLatency> out;
  for (auto& [family, ms] : samples) {
    std::sort(ms.begin(), ms.end());
    out[family] = {ms[ms.size() / 2], ms.back(), ms.size()};
  }
  return out;
}

std::string fixed(double v, int decimals = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string route_line(const RouteCheck& r) {
  std::string status = r.status ? std::to_string(r.status) : "-";
  std::string verdict = !r.schema_checked ? (r.status / 100 == 2 ? "no outputSchema" : "not checked")
                                          : (r.drift.empty() ? "matches" : "DRIFT");
  std::string line = "  " + pad(r.tool, 26) + pad(r.method, 5) + pad(status, 5) + pad(fixed(r.ms) + " ms", 11) +
                     pad(r.shape.size() > 60 ? r.shape.substr(0, 57) + "..." : r.shape, 62) + verdict;
  if (!r.purpose.empty()) line += "  (" + r.purpose + ")";
  if (!r.error.empty()) line += "  error: " + r.error;
  return line;
}

std::set<std::string> tools_checked(const DoctorReport& report) {
  std::set<std::string> out;
  for (const auto& r : report.routes) out.insert(r.tool);
  return out;
}

}  // namespace

bool DoctorReport::drift_found() const {
  return std::any_of(routes.begin(), routes.end(), [](const RouteCheck& r) { return !r.drift.empty(); });
}

bool DoctorReport::differs() const {
  return std::any_of(questions.begin(), questions.end(), [](const Question& q) { return q.differs; });
}

int DoctorReport::exit_code() const { return key_rejected || drift_found() || differs() ? 1 : 0; }

std::string render_text(const DoctorReport& r) {
  std::string out = "fini-mcp doctor " + r.version + " (read-only: GET routes and the two read-scope POSTs only)\n";
  out += "API:        " + r.base_url + "\n";
  out += "key:        " + r.key + "\n";
  out += "scopes:     " + r.scopes + "\n";
  out += "workspace:  " + r.workspace + "\n";
  out += "TLS:        " + r.tls + "\n";
  out += "proxy:      " + r.proxy + "\n";
  out += "requests:   " + std::to_string(r.routes.size()) + " (no write, no delete)\n\n";
  out += "routes (tool, method, status, time, shape, outputSchema):\n";
  for (const auto& route : r.routes) out += route_line(route) + "\n";
  for (const auto& n : r.not_checked) out += "  not checked: " + n + "\n";
  out += "\nlatency by route family (median / max):\n";
  for (const auto& [family, l] : latency_by_family(r.routes)) {
    out += "  " + pad(family, 16) + fixed(l.median) + " / " + fixed(l.max) + " ms (" + std::to_string(l.requests) +
           " requests)\n";
  }
  out += "\noutputSchema drift:\n";
  if (!r.drift_found()) out += "  none: every answer matches its tool's outputSchema\n";
  for (const auto& route : r.routes) {
    for (const auto& d : route.drift) out += "  DRIFT " + route.tool + " " + tools::describe(d) + "\n";
  }
  out += "\nquestions Fini's docs leave open:\n";
  for (const auto& q : r.questions) {
    out += std::string(q.differs ? "  !! " : "  ") + q.question + "\n     " + q.answer + "\n";
  }
  out += "\nresult: ";
  if (r.key_rejected)
    out += "nothing could be checked (see key)";
  else if (r.exit_code() == 0)
    out += "everything matches what fini-mcp assumes";
  else
    out += std::string(r.drift_found() ? "DRIFT FOUND (listed above)" : "") +
           (r.drift_found() && r.differs() ? "; " : "") +
           (r.differs() ? "the API differs from the docs (marked !! above)" : "");
  return out + " (exit " + std::to_string(r.exit_code()) + ")\n";
}

json render_json(const DoctorReport& r) {
  json routes = json::array();
  for (const auto& route : r.routes) {
    json drift = json::array();
    for (const auto& d : route.drift) {
      drift.push_back({{"pointer", d.pointer}, {"expected", d.expected}, {"found", d.found}});
    }
    routes.push_back({{"tool", route.tool},
                      {"method", route.method},
                      {"path", route.path},
                      {"family", route.family},
                      {"purpose", route.purpose},
                      {"status", route.status},
                      {"error", route.error},
                      {"ms", route.ms},
                      {"shape", route.shape},
                      {"schemaChecked", route.schema_checked},
                      {"drift", drift}});
  }
  json latency = json::object();
  for (const auto& [family, l] : latency_by_family(r.routes)) {
    latency[family] = {{"medianMs", l.median}, {"maxMs", l.max}, {"requests", l.requests}};
  }
  json questions = json::array();
  for (const auto& q : r.questions) {
    questions.push_back({{"id", q.id}, {"question", q.question}, {"answer", q.answer}, {"differs", q.differs}});
  }
  const auto checked = tools_checked(r);
  return {{"version", r.version},
          {"baseUrl", r.base_url},
          {"key", r.key},
          {"scopes", r.scopes},
          {"workspace", r.workspace},
          {"tls", r.tls},
          {"proxy", r.proxy},
          {"requests", r.routes.size()},
          {"routes", routes},
          {"toolsChecked", json(std::vector<std::string>(checked.begin(), checked.end()))},
          {"notChecked", r.not_checked},
          {"latencyByFamily", latency},
          {"questions", questions},
          {"driftFound", r.drift_found()},
          {"differs", r.differs()},
          {"keyRejected", r.key_rejected},
          {"exitCode", r.exit_code()}};
}

}  // namespace fini::cli
