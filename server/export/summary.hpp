#pragma once
// The export summary: what reaches the model instead of the rows. Row count, time range of the
// manifest's timeField, and value counts for the fields it declares as facets (item facets and
// child facets, e.g. channel per conversation and csatRating per event). Small whatever the row
// count: facets with many distinct values keep only the most frequent.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "tools/manifest.hpp"

namespace fini::exporting {

class Summary {
 public:
  explicit Summary(const tools::PagingSpec& spec) : spec_(spec) {}
  void add(const nlohmann::json& item);
  // {rows, timeRange: {field, min, max} | null, facets: {field: {value: count}}}
  nlohmann::json to_json() const;
  // Checkpoint form (lossless) and back.
  nlohmann::json state() const;
  void restore(const nlohmann::json& state);
  std::size_t rows() const { return rows_; }

 private:
  void count(const std::string& key, const nlohmann::json& value);

  const tools::PagingSpec& spec_;
  std::size_t rows_ = 0;
  std::optional<std::int64_t> min_time_, max_time_;
  std::map<std::string, std::map<std::string, std::size_t>> facets_;
};

// A facet value as a readable key: strings as they are, null as "null", others as JSON.
std::string facet_key(const nlohmann::json& value);

}  // namespace fini::exporting
