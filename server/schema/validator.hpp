#pragma once
// A JSON Schema validator for the subset tool manifests use (see DESIGN.md §3): compiled once,
// then shared. Thread-safety: a compiled Validator is immutable; validate()/accepts() are const
// and safe to call concurrently. Nothing here throws except std::bad_alloc.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.hpp"

namespace fini::schema {

// One failed check. pointer is a JSON Pointer into the INSTANCE ("" = root, "/a/0").
struct ValidationError {
  std::string pointer;
  std::string message;
};

// One problem with a schema. pointer is a JSON Pointer into the SCHEMA naming the offending
// keyword ("/properties/a/anyOf"), or the subschema itself when it is not a schema at all.
struct SchemaError {
  std::string pointer;
  std::string message;
};

// A conversion applied before checking (Validator::coerce). pointer is into the INSTANCE.
struct Coercion {
  std::string pointer;
  std::string message;  // "the string \"a,b\" was read as [\"a\",\"b\"] (comma-separated items)"
};

namespace detail {
struct Node;
}  // namespace detail

class Validator {
 public:
  // InvalidArgument when the schema is malformed or uses a keyword outside the subset; the
  // message lists every problem as "invalid schema at <pointer>: <problem>", joined by "; ".
  static Result<Validator> compile(const nlohmann::json& schema);
  // The same checks as compile(), returned one by one (empty = compiles). The linter uses the
  // pointers to point into manifest files.
  static std::vector<SchemaError> check(const nlohmann::json& schema);
  // check() and compile() in one pass: every problem into errors; the validator is usable only
  // when errors is empty.
  static Validator compile(const nlohmann::json& schema, std::vector<SchemaError>& errors);
  // Compiled on first use (validate, accepts or coerce), once, safely from any thread. For a schema
  // check() has already passed (a linted manifest): start-up then compiles nothing it may never use.
  // Should it not compile after all, nothing is accepted.
  static Validator deferred(nlohmann::json schema);

  // Every failed check, in a deterministic order (schema keyword order, then instance order).
  // Once a value has the wrong type, its other keywords are not checked (they would only add noise).
  std::vector<ValidationError> validate(const nlohmann::json& instance) const;
  bool accepts(const nlohmann::json& instance) const;

  // The instance with the unambiguous coercions applied, each one appended to notes: a string
  // where the schema wants an array of strings (and no string) becomes its comma-separated,
  // trimmed, non-empty items; a string of digits where it wants an integer (and no string)
  // becomes that integer. Nothing else is converted; validate() the result as usual.
  nlohmann::json coerce(const nlohmann::json& instance, std::vector<Coercion>& notes) const;

 private:
  struct Deferred;
  explicit Validator(std::shared_ptr<const detail::Node> root) : root_(std::move(root)) {}
  const detail::Node& root() const;
  std::shared_ptr<const detail::Node> root_;  // null while deferred_ has not compiled
  std::shared_ptr<Deferred> deferred_;
};

// "/limit: must be <= 100 (got 500)"; an error at the root is just its message.
std::string describe(const ValidationError& error);

// Helpers shared with the manifest linter.
std::string escape_pointer_token(std::string_view token);  // RFC 6901: "~" -> "~0", "/" -> "~1"
std::size_t code_points(std::string_view utf8);            // Unicode code points (non-continuation bytes)

// Strings longer than this (in bytes) are not run through std::regex, whose backtracking
// matcher recurses per character and could exhaust the stack; they fail "pattern" instead.
inline constexpr std::size_t kMaxPatternSubjectBytes = 8192;

}  // namespace fini::schema
