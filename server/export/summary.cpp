#include "export/summary.hpp"

#include <algorithm>
#include <vector>

namespace fini::exporting {

using nlohmann::json;

namespace {
constexpr std::size_t kMaxFacetValues = 20;  // keeps the summary small for free-text facets
}

std::string facet_key(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

void Summary::count(const std::string& key, const json& value) { ++facets_[key][facet_key(value)]; }

void Summary::add(const json& item) {
  ++rows_;
  if (!item.is_object()) return;
  if (!spec_.time_field.empty()) {
    if (auto t = item.find(spec_.time_field); t != item.end() && t->is_number_integer()) {
      const auto v = t->get<std::int64_t>();
      min_time_ = min_time_ ? std::min(*min_time_, v) : v;
      max_time_ = max_time_ ? std::max(*max_time_, v) : v;
    }
  }
  for (const auto& f : spec_.facets) count(f, item.value(f, json()));
  if (!spec_.children) return;
  auto kids = item.find(spec_.children->field);
  if (kids == item.end() || !kids->is_array()) return;
  for (const auto& kid : *kids) {
    if (!kid.is_object()) continue;
    // Child facets count only children that carry a value (most events have no CSAT).
    for (const auto& f : spec_.children->facets) {
      if (auto v = kid.find(f); v != kid.end() && !v->is_null()) count(spec_.children->field + "." + f, *v);
    }
  }
}

json Summary::to_json() const {
  json facets = json::object();
  for (const auto& [field, counts] : facets_) {
    std::vector<std::pair<std::string, std::size_t>> sorted(counts.begin(), counts.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    json out = json::object();
    for (std::size_t i = 0; i < sorted.size() && i < kMaxFacetValues; ++i) out[sorted[i].first] = sorted[i].second;
    if (sorted.size() > kMaxFacetValues) out["(other values)"] = sorted.size() - kMaxFacetValues;
    facets[field] = out;
  }
  json range = nullptr;
  if (min_time_) range = {{"field", spec_.time_field}, {"min", *min_time_}, {"max", *max_time_}};
  return {{"rows", rows_}, {"timeRange", range}, {"facets", facets}};
}

json Summary::state() const {
  json j = {{"rows", rows_}, {"facets", facets_}};
  if (min_time_) j["minTime"] = *min_time_;
  if (max_time_) j["maxTime"] = *max_time_;
  return j;
}

void Summary::restore(const json& state) {
  if (!state.is_object()) return;
  rows_ = state.value("rows", std::size_t{0});
  if (auto f = state.find("facets"); f != state.end() && f->is_object()) {
    facets_ = f->get<std::map<std::string, std::map<std::string, std::size_t>>>();
  }
  if (auto t = state.find("minTime"); t != state.end() && t->is_number_integer()) min_time_ = t->get<std::int64_t>();
  if (auto t = state.find("maxTime"); t != state.end() && t->is_number_integer()) max_time_ = t->get<std::int64_t>();
}

}  // namespace fini::exporting
