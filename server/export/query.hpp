#pragma once
// Read-only SQL over an exported SQLite file. Three independent guards: the file is opened
// read-only, an authorizer allows only reading (no INSERT/UPDATE/DELETE/DDL, ATTACH or PRAGMA),
// and a progress handler stops a query at its time cap or on cancellation. Rows beyond the row
// cap are not returned; the result says so.

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.hpp"

namespace fini::exporting {

struct QueryLimits {
  std::size_t max_rows = 500;
  std::chrono::milliseconds time_cap{5000};
  std::function<bool()> cancelled;  // optional
};

// {columns: [...], rows: [[...]...], rowCount, truncated, note?}. Refusals and caps are
// kInvalidArgument / kDeadlineExceeded / kCancelled with a message for the model.
Result<nlohmann::json> run_query(const std::filesystem::path& file, const std::string& sql, const QueryLimits& limits);

}  // namespace fini::exporting
