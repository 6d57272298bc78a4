#include "sim/faults.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "sim/routes.hpp"

namespace fini::sim {

namespace {
std::optional<double> to_double(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<int> to_int(const std::string& s) {
  auto d = to_double(s);
  if (!d || *d != std::floor(*d) || *d < 0 || *d > 1e9) return std::nullopt;
  return static_cast<int>(*d);
}
}  // namespace

Status parse_error_rate(const std::string& spec, FaultOptions& out) {
  auto parts = split(spec, ':');
  auto p = to_double(parts[0]);
  if (!p || *p < 0 || *p > 1 || parts.size() > 2) {
    return invalid_argument("--error-rate expects P[:STATUS[,STATUS...]] with 0 <= P <= 1");
  }
  std::vector<int> statuses;
  if (parts.size() == 2) {
    for (const auto& item : split(parts[1], ',')) {
      auto st = to_int(item);
      if (!st || *st < 400 || *st > 599) return invalid_argument("--error-rate STATUS must be 400..599");
      statuses.push_back(*st);
    }
  }
  out.error_rate = *p;
  out.error_statuses.clear();
  if (statuses.size() == 1) out.error_status = statuses[0];
  if (statuses.size() > 1) out.error_statuses = statuses;
  return {};
}

Status parse_rate_limit(const std::string& spec, FaultOptions& out) {
  auto parts = split(spec, ':');
  auto rps = to_double(parts[0]);
  if (!rps || *rps < 0 || parts.size() > 2) return invalid_argument("--rate-limit expects RPS[:BURST] with RPS >= 0");
  out.rate_limit_rps = *rps;
  if (parts.size() == 2) {
    auto burst = to_double(parts[1]);
    if (!burst || *burst < 1) return invalid_argument("--rate-limit BURST must be >= 1");
    out.rate_limit_burst = *burst;
  }
  return {};
}

Result<FaultDecision> parse_fault_header(const std::string& value) {
  FaultDecision d;
  for (const auto& raw : split(value, ';')) {
    std::string item = trim(raw);
    if (item.empty()) continue;
    auto eq = item.find('=');
    std::string key = to_lower(trim(item.substr(0, eq)));
    std::string val = eq == std::string::npos ? std::string() : trim(item.substr(eq + 1));
    if (key == "drop" && eq == std::string::npos) {
      d.drop = true;
    } else if (key == "malformed" && eq == std::string::npos) {
      d.malformed = true;
    } else if (key == "status") {
      auto st = to_int(val);
      if (!st || *st < 100 || *st > 599) return invalid_argument("X-Sim-Fault: status must be 100..599");
      d.status = *st;
    } else if (key == "delay") {
      auto ms = to_int(val);
      if (!ms || *ms > 600000) return invalid_argument("X-Sim-Fault: delay must be 0..600000 ms");
      d.delay_ms = *ms;
    } else if (key == "retry-after") {
      auto s = to_int(val);
      if (!s) return invalid_argument("X-Sim-Fault: retry-after must be a non-negative integer");
      d.retry_after = *s;
    } else {
      return invalid_argument("X-Sim-Fault: unknown directive '" + item +
                              "' (use status=N, delay=MS, drop, malformed, retry-after=S; join with ';')");
    }
  }
  // retry-after alone means "rate limited".
  if (d.retry_after && d.status == 0) d.status = 429;
  if (d.status >= 200 && d.status < 400) d.status = 0;  // only error statuses are injected
  d.reason = "header";
  return d;
}

Result<RouteFault> parse_route_fault(const std::string& spec) {
  const auto words = split(trim(spec), ' ');
  if (words.size() != 3 || words[0].empty() || words[1].empty() || words[1][0] != '/') {
    return invalid_argument(
        "--route-fault expects \"METHOD PATH-PREFIX DIRECTIVES\", e.g. \"GET /v2/tag-groups/ status=500;times=1\"");
  }
  RouteFault fault{words[0], words[1], {}, 1};
  std::string directives;
  for (const auto& raw : split(words[2], ';')) {
    const std::string item = trim(raw);
    if (item.rfind("times=", 0) == 0) {
      auto n = to_int(item.substr(6));
      if (!n || *n < 1) return invalid_argument("--route-fault: times must be >= 1");
      fault.remaining = *n;
    } else {
      directives += item + ";";
    }
  }
  auto d = parse_fault_header(directives);
  if (!d.ok()) return d.status();
  fault.decision = *d;
  fault.decision.reason = "route-fault";
  return fault;
}

FaultInjector::FaultInjector(FaultOptions options, int64_t start_ms)
    : options_(options),
      rng_(options.seed),
      tokens_(options.rate_limit_burst > 0 ? options.rate_limit_burst : std::max(1.0, options.rate_limit_rps)),
      last_refill_ms_(start_ms) {
  for (const auto& spec : options_.route_faults) {
    if (auto f = parse_route_fault(spec); f.ok()) routes_.push_back(*f);  // main() validated them
  }
}

std::optional<FaultDecision> FaultInjector::route_fault(const std::string& method, const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& r : routes_) {
    if (r.remaining > 0 && r.method == method && path.rfind(r.path_prefix, 0) == 0) {
      --r.remaining;
      return r.decision;
    }
  }
  return std::nullopt;
}

Result<FaultDecision> FaultInjector::decide(const std::string* header, int64_t now_ms) {
  FaultDecision d;
  if (header && options_.allow_header) {
    auto h = parse_fault_header(*header);
    if (!h.ok()) return h.status();
    d = *h;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (options_.latency_mean_ms > 0 || options_.latency_jitter_ms > 0) {
    double jitter = options_.latency_jitter_ms * (2 * rng_.uniform() - 1);
    d.delay_ms += std::max<int64_t>(0, static_cast<int64_t>(options_.latency_mean_ms + jitter));
  }
  if (options_.rate_limit_rps > 0 && d.status == 0) {
    double burst = options_.rate_limit_burst > 0 ? options_.rate_limit_burst : std::max(1.0, options_.rate_limit_rps);
    double elapsed_s = static_cast<double>(std::max<int64_t>(0, now_ms - last_refill_ms_)) / 1000.0;
    tokens_ = std::min(burst, tokens_ + elapsed_s * options_.rate_limit_rps);
    last_refill_ms_ = now_ms;
    if (tokens_ >= 1) {
      tokens_ -= 1;
    } else {
      d.status = 429;
      d.retry_after = std::max(1, static_cast<int>(std::ceil((1 - tokens_) / options_.rate_limit_rps)));
      d.reason = "rate-limit";
    }
  }
  if (!d.drop && options_.drop_rate > 0 && rng_.uniform() < options_.drop_rate) {
    d.drop = true;
    d.reason = "drop-rate";
  }
  if (d.status == 0 && options_.error_rate > 0 && rng_.uniform() < options_.error_rate) {
    d.status = options_.error_status;
    if (!options_.error_statuses.empty()) {
      const auto n = options_.error_statuses.size();
      d.status = options_.error_statuses[std::min(n - 1, static_cast<size_t>(rng_.uniform() * static_cast<double>(n)))];
    }
    d.reason = "error-rate";
  }
  if (!d.malformed && options_.malformed_rate > 0 && rng_.uniform() < options_.malformed_rate) {
    d.malformed = true;
    d.reason = "malformed-rate";
  }
  return d;
}

Status parse_drift(const std::string& spec, FaultOptions& out) {
  const auto colon = spec.find(':');
  const std::string op = spec.substr(0, colon);
  bool known = false;
  for (const auto& r : route_table()) known = known || r.operation_id == op;
  if (!known)
    return invalid_argument("--drift: unknown operation '" + op + "' (use an operationId, e.g. listConversations)");
  auto& fields = out.drift[op];
  if (colon != std::string::npos) fields.insert(spec.substr(colon + 1));
  return {};
}

void apply_drift(nlohmann::json& body, const std::set<std::string>& fields) {
  if (body.is_array()) {
    body = nlohmann::json{{"items", std::move(body)}};
    return;
  }
  if (!body.is_object()) return;
  for (auto& [key, value] : body.items()) {
    if (!fields.empty() && !fields.count(key)) continue;
    if (value.is_number_integer())
      value = value.dump();
    else if (value.is_boolean())
      value = value.get<bool>() ? "true" : "false";
  }
}

}  // namespace fini::sim
