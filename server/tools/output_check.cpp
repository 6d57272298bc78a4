#include "tools/output_check.hpp"

#include <spdlog/spdlog.h>

#include <cstddef>
#include <optional>
#include <string>

#include "common/schema_drift.hpp"

namespace fini::tools {

using nlohmann::json;

namespace {

constexpr std::string_view kExpected = "expected ";
constexpr std::string_view kGot = ", got ";

// The validator's type message is "expected <types>, got <type>": type names only, no values.
bool split_type_message(const std::string& message, std::string& expected, std::string& found) {
  if (message.rfind(kExpected, 0) != 0) return false;
  const auto got = message.rfind(kGot);
  if (got == std::string::npos || got < kExpected.size()) return false;
  expected = message.substr(kExpected.size(), got - kExpected.size());
  found = message.substr(got + kGot.size());
  return true;
}

// Other checks: their message minus any " (got …)" part, which may quote the value.
std::string without_value(const std::string& message) { return message.substr(0, message.find(" (got")); }

SchemaDrift to_drift(const schema::ValidationError& e) {
  SchemaDrift d{e.pointer, "", "", false};
  if (split_type_message(e.message, d.expected, d.found)) return d;
  if (e.message.rfind("missing required property", 0) == 0) {
    d.expected = without_value(e.message);
    d.found = "absent";
    return d;
  }
  d.expected = without_value(e.message);
  d.found = "a value outside it";
  return d;
}

bool names_type(const std::string& expected, std::string_view type) {
  // "integer, string or null": whole words only, so "integer" never matches "integers".
  std::size_t at = 0;
  while ((at = expected.find(type, at)) != std::string::npos) {
    const std::size_t end = at + type.size();
    const bool starts = at == 0 || expected[at - 1] == ' ';
    const bool ends = end == expected.size() || expected[end] == ',' || expected[end] == ' ';
    if (starts && ends) return true;
    at = end;
  }
  return false;
}

// A digit string that reads back identically as an integer ("007" does not: its zeros would be lost).
std::optional<json> lossless_integer(const std::string& s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  const std::size_t digits_from = s[0] == '-' ? 1 : 0;
  if (digits_from == s.size()) return std::nullopt;
  for (std::size_t i = digits_from; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  if (s.size() > 18) return std::nullopt;  // stays inside int64 without overflow checks
  const long long n = std::stoll(s);
  if (std::to_string(n) != s) return std::nullopt;
  return json(n);
}

// The value converted to one of the expected types without losing anything, if it can be.
std::optional<json> convert(const json& value, const std::string& expected) {
  if (value.is_string() && (names_type(expected, "integer") || names_type(expected, "number"))) {
    return lossless_integer(value.get_ref<const std::string&>());
  }
  if (value.is_number() && names_type(expected, "string")) {
    // nlohmann prints the shortest text that reads back as the same double.
    return json(value.dump());
  }
  return std::nullopt;
}

json* at_pointer(json& root, const std::string& pointer) {
  try {
    const json::json_pointer p(pointer);
    return root.contains(p) ? &root.at(p) : nullptr;
  } catch (const json::exception&) {
    return nullptr;
  }
}

std::string first_uncoerced(const std::vector<SchemaDrift>& drift) {
  for (const auto& d : drift) {
    if (!d.coerced) return describe(d);
  }
  return {};
}

}  // namespace

std::string describe(const SchemaDrift& d) {
  return (d.pointer.empty() ? std::string("(root)") : d.pointer) + ": expected " + d.expected + ", found " + d.found;
}

Result<OutputCheck> OutputCheck::compile(const json& schema) {
  auto validator = schema::Validator::compile(schema);
  if (!validator.ok()) return validator.status();
  return OutputCheck(std::move(*validator));
}

std::vector<SchemaDrift> OutputCheck::drift_of(const json& structured) const {
  std::vector<SchemaDrift> out;
  for (const auto& e : validator_.validate(structured)) out.push_back(to_drift(e));
  return out;
}

std::vector<SchemaDrift> OutputCheck::coerce(json& structured) const {
  auto drift = drift_of(structured);
  if (drift.empty()) return drift;
  bool changed = false;
  for (auto& d : drift) {
    json* value = at_pointer(structured, d.pointer);
    if (value == nullptr) continue;
    if (auto converted = convert(*value, d.expected)) {
      *value = std::move(*converted);
      changed = d.coerced = true;
    }
  }
  if (!changed) return drift;
  // Check the whole again rather than trust the conversions: what still fails is not coerced.
  for (const auto& e : validator_.validate(structured)) {
    bool known = false;
    for (auto& d : drift) {
      if (d.pointer != e.pointer) continue;
      d.coerced = false;
      known = true;
    }
    if (!known) drift.push_back(to_drift(e));
  }
  return drift;
}

json guard_output(const std::string& tool, const OutputCheck& check, json result) {
  auto structured = result.find("structuredContent");
  if (structured == result.end() || result.value("isError", false)) return result;
  const auto drift = check.coerce(*structured);
  if (drift.empty()) return result;
  record_schema_drift(tool);
  // A field that drifts in every item of a page would otherwise log a line per item.
  constexpr std::size_t kLoggedPerCall = 5;
  for (std::size_t i = 0; i < drift.size() && i < kLoggedPerCall; ++i) {
    const auto& d = drift[i];
    spdlog::warn("schema drift: {} {}: expected {}, found {} ({})", tool, d.pointer.empty() ? "(root)" : d.pointer,
                 d.expected, d.found, d.coerced ? "converted without loss" : "sent as an error result");
  }
  if (drift.size() > kLoggedPerCall) {
    spdlog::warn("schema drift: {}: {} more mismatch(es) in this answer", tool, drift.size() - kLoggedPerCall);
  }
  const std::string unmatched = first_uncoerced(drift);
  auto& content = result["content"];
  if (unmatched.empty()) {
    content[0]["text"] = structured->dump(-1, ' ', false, json::error_handler_t::replace);
    std::string note = "(note: Fini's answer differed from this tool's outputSchema and was converted without loss:";
    for (std::size_t i = 0; i < drift.size() && i < kLoggedPerCall; ++i) {
      note += " " + drift[i].pointer + " was a " + drift[i].found + " where the schema says " + drift[i].expected + ";";
    }
    if (drift.size() > kLoggedPerCall) note += " and " + std::to_string(drift.size() - kLoggedPerCall) + " more;";
    note.back() = ')';
    content.push_back(json{{"type", "text"}, {"text", note}});
    return result;
  }
  // Not conforming: never send it as structured content (clients would reject the whole result).
  result.erase("structuredContent");
  result["isError"] = true;
  const std::string line = "Fini's answer does not match the outputSchema of " + tool + " at " + unmatched +
                           "; its JSON follows unchanged. `fini-mcp doctor` reports every such field.\n";
  content[0]["text"] = line + content[0].value("text", "");
  return result;
}

}  // namespace fini::tools
