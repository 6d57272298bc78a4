#pragma once
// The drift guard: a tool's structuredContent checked against the tool's own outputSchema before
// it is sent. MCP clients validate structured results (the official TypeScript SDK throws on a
// mismatch), so a field the real API types differently from our manifest would make the tool
// unusable. What converts without loss is converted (a digit string where an integer is
// published, a number where a string is); anything else turns the result into an error result
// (clients do not validate those) that still carries Fini's JSON as text. Every drift is logged
// (tool, JSON pointer, expected vs found type; never a value) and counted per tool.
// Thread-safety: a compiled OutputCheck is immutable; check() is const and reentrant.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.hpp"
#include "schema/validator.hpp"

namespace fini::tools {

// One place where an answer did not match. expected/found are type names (or, for checks other
// than type, the keyword's message without any value); never the value itself.
struct SchemaDrift {
  std::string pointer;   // JSON Pointer into structuredContent ("" = the root)
  std::string expected;  // "integer or null"
  std::string found;     // "string", "absent"
  bool coerced = false;  // converted without loss; the result conforms at this pointer now
};

// "/createdAt: expected integer, found string"
std::string describe(const SchemaDrift& drift);

class OutputCheck {
 public:
  static Result<OutputCheck> compile(const nlohmann::json& schema);
  // Over a validator compiled already (or deferred: Manifest::output_validator).
  static OutputCheck over(schema::Validator validator) { return OutputCheck(std::move(validator)); }

  // Every mismatch of `structured` as it is, nothing converted (doctor).
  std::vector<SchemaDrift> drift_of(const nlohmann::json& structured) const;

  // Converts what converts without loss, in place, and returns every mismatch found (coerced
  // ones marked). After it, `structured` conforms iff no returned entry is uncoerced.
  std::vector<SchemaDrift> coerce(nlohmann::json& structured) const;

 private:
  explicit OutputCheck(schema::Validator validator) : validator_(std::move(validator)) {}
  schema::Validator validator_;
};

// The result a client may receive: `result` unchanged when it conforms (or carries no structured
// content), coerced with a note, or an isError result with one line naming the field first and
// Fini's JSON after it. Records every drift (log line and fini_mcp_schema_drift_total).
nlohmann::json guard_output(const std::string& tool, const OutputCheck& check, nlohmann::json result);

}  // namespace fini::tools
