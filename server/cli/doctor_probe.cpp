#include "cli/doctor_probe.hpp"

#include <chrono>

#include "common/redact.hpp"
#include "common/safe_json.hpp"
#include "tools/request_mapper.hpp"
#include "tools/result_shaper.hpp"

namespace fini::cli {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxShapeKeys = 12;

}  // namespace

std::string shape_of(const json& body) {
  if (body.is_array()) return "[" + std::to_string(body.size()) + "]";
  if (!body.is_object()) return body.is_null() ? "null" : std::string(body.type_name());
  std::string out;
  std::size_t n = 0;
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (++n > kMaxShapeKeys) {
      out += ", …";
      break;
    }
    out += (out.empty() ? "" : ", ") + it.key();
    if (it.value().is_array()) out += "[" + std::to_string(it.value().size()) + "]";
  }
  return "{" + out + "}";
}

DoctorProbe::DoctorProbe(rest::HttpClient& http, std::string key, const std::vector<tools::Manifest>& manifests,
                         DoctorReport& report)
    : http_(http), key_(std::move(key)), report_(report) {
  for (const auto& m : manifests) {
    // Read scope only: every GET and the two documented read POSTs. Never a write or a delete.
    if (!m.read_only() || m.scope != "read") continue;
    read_manifests_[m.name] = &m;
    if (m.output_schema.is_null()) continue;
    if (auto check = tools::OutputCheck::compile(m.output_schema); check.ok())
      checks_.emplace(m.name, std::move(*check));
  }
}

std::vector<std::string> DoctorProbe::read_tools() const {
  std::vector<std::string> out;
  for (const auto& [name, unused] : read_manifests_) out.push_back(name);
  return out;
}

std::optional<json> DoctorProbe::read(const std::string& tool, const json& args, const std::string& purpose,
                                      const std::vector<std::pair<std::string, std::string>>& extra_query) {
  auto it = read_manifests_.find(tool);
  if (it == read_manifests_.end()) {
    report_.not_checked.push_back(tool + ": not a read-scope tool in these manifests");
    return std::nullopt;
  }
  if (report_.routes.size() >= kMaxRequests) {
    report_.not_checked.push_back(tool + (purpose.empty() ? "" : " (" + purpose + ")") + ": request budget spent");
    return std::nullopt;
  }
  const tools::Manifest& m = *it->second;
  RouteCheck route;
  route.tool = tool;
  route.method = m.request.method;
  route.path = m.request.path;
  route.family = m.toolset;
  route.purpose = purpose;
  auto request = tools::map_request(m, args);
  if (!request.ok()) {
    report_.not_checked.push_back(tool + ": " + request.status().message());
    return std::nullopt;
  }
  for (const auto& q : extra_query) request->query.push_back(q);
  request->bearer_token = key_;
  request->deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  const auto started = std::chrono::steady_clock::now();
  auto response = http_.send(*request);
  route.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  std::optional<json> body;
  if (!response.ok()) {
    route.error = redact(response.status().message(), key_);
  } else {
    route.status = response->status;
    auto parsed = parse_json_safely(response->body);
    if (response->status / 100 == 2 && !parsed.error) {
      route.shape = shape_of(parsed.value);
      check_schema(m, *response, route);
      body = std::move(parsed.value);
    } else if (response->status / 100 == 2) {
      route.shape = "not JSON (" + std::to_string(response->body.size()) + " bytes)";
    } else {
      // The envelope's keys only: Fini's message may quote what was sent.
      route.shape = parsed.error ? "not JSON" : shape_of(parsed.value);
    }
  }
  report_.routes.push_back(std::move(route));
  return body;
}

void DoctorProbe::check_schema(const tools::Manifest& m, const rest::HttpResponse& response, RouteCheck& route) const {
  auto check = checks_.find(m.name);
  if (check == checks_.end()) return;
  // Exactly what the tool would put in structuredContent (wrap included), before any coercion.
  json result = tools::shape_response(m, response);
  auto structured = result.find("structuredContent");
  if (structured == result.end()) return;
  route.schema_checked = true;
  route.drift = check->second.drift_of(*structured);
}

}  // namespace fini::cli
