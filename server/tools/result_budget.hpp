#pragma once
// Results sized for a model. A tool result carries its JSON once as structuredContent and once
// as the text block (the same JSON, for clients that read only text), so the budget is applied
// to that JSON, counted once. Beyond it: the largest array is cut to the items that fit (with a
// note saying how many were left out and how to get them), then long strings are shortened;
// if even that does not fit, the result is refused with what to narrow. Also: the `fields`
// projection and the redaction of every string. Thread-safety: pure functions.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fini::tools {

struct BudgetHints {
  bool has_limit = false;   // the tool takes `limit`: suggest a smaller one
  bool has_fields = false;  // the tool takes `fields`: suggest projecting
  bool has_cursor = false;  // the tool pages with a cursor
};

struct BudgetOutcome {
  bool fits = true;                 // false: could not be brought under the budget
  std::optional<std::string> note;  // what was trimmed and how to get the rest
  std::size_t original_bytes = 0;
};

// Trims `structured` in place so that its compact serialization is at most `budget` bytes.
BudgetOutcome fit_to_budget(nlohmann::json& structured, std::size_t budget, const BudgetHints& hints);

// fit_to_budget, and the compact serialization of the result (the text block). Under budget,
// the common case, `structured` is serialised once: that text is both the measure and the result.
struct FittedText {
  BudgetOutcome budget;
  std::string text;  // empty when !budget.fits
};
FittedText fit_and_serialize(nlohmann::json& structured, std::size_t budget, const BudgetHints& hints);

// The length of value.dump() (compact, invalid UTF-8 replaced), counted without building it.
std::size_t compact_size(const nlohmann::json& value);

// Keeps only `fields` of each object in structured[items] (items "." = the root object).
// Returns a note when none of the fields exist (naming the ones that do), else nullopt.
std::optional<std::string> project_fields(nlohmann::json& structured, const std::string& items,
                                          const std::vector<std::string>& fields);

}  // namespace fini::tools
