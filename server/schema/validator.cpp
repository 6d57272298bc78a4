#include "schema/validator.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <utility>

namespace fini::schema {

using nlohmann::json;

namespace detail {

// Bit per JSON Schema type name; kInteger is separate so "integer" can accept 1.0.
enum TypeBit : unsigned {
  kNullBit = 1U << 0,
  kBooleanBit = 1U << 1,
  kObjectBit = 1U << 2,
  kArrayBit = 1U << 3,
  kNumberBit = 1U << 4,
  kStringBit = 1U << 5,
  kIntegerBit = 1U << 6,
};

struct Node {
  std::optional<bool> constant;         // boolean schema true/false
  unsigned types = 0;                   // 0 = any type
  std::vector<std::string> type_names;  // as declared, for messages
  std::map<std::string, std::unique_ptr<Node>> properties;
  std::vector<std::string> required;
  std::unique_ptr<Node> additional;  // null = anything goes
  std::optional<json> enum_values;
  std::optional<json> const_value;
  std::optional<json> minimum, maximum, exclusive_minimum, exclusive_maximum;
  std::optional<std::size_t> min_length, max_length, min_items, max_items;
  bool unique_items = false;
  std::shared_ptr<const std::regex> pattern;
  std::string pattern_source;
  std::unique_ptr<Node> items;
};

}  // namespace detail

namespace {

using detail::Node;

constexpr std::array<std::string_view, 11> kAnnotationKeywords = {"title",    "description", "default",   "examples",
                                                                  "format",   "$schema",     "$id",       "$comment",
                                                                  "readOnly", "writeOnly",   "deprecated"};

struct TypeName {
  std::string_view name;
  unsigned bit;
};
constexpr std::array<TypeName, 7> kTypeNames = {{{"null", detail::kNullBit},
                                                 {"boolean", detail::kBooleanBit},
                                                 {"object", detail::kObjectBit},
                                                 {"array", detail::kArrayBit},
                                                 {"number", detail::kNumberBit},
                                                 {"string", detail::kStringBit},
                                                 {"integer", detail::kIntegerBit}}};

bool is_annotation(std::string_view key) {
  for (auto a : kAnnotationKeywords) {
    if (a == key) return true;
  }
  return false;
}

bool is_integral(const json& v) {
  if (v.is_number_integer()) return true;
  if (!v.is_number_float()) return false;
  const double d = v.get<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

// Exact for two integers (signed/unsigned mixed), double otherwise: -1 / 0 / 1.
int compare_numbers(const json& a, const json& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    const bool a_neg = a.is_number_integer() && !a.is_number_unsigned() && a.get<std::int64_t>() < 0;
    const bool b_neg = b.is_number_integer() && !b.is_number_unsigned() && b.get<std::int64_t>() < 0;
    if (a_neg != b_neg) return a_neg ? -1 : 1;
    if (a_neg) {
      const auto x = a.get<std::int64_t>();
      const auto y = b.get<std::int64_t>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    const auto x = a.get<std::uint64_t>();
    const auto y = b.get<std::uint64_t>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  const double x = a.get<double>();
  const double y = b.get<double>();
  return x < y ? -1 : (x > y ? 1 : 0);
}

// JSON equality where 1 == 1.0 and booleans never equal numbers. nlohmann's operator== already
// compares numbers across representations; spelled out so the rule does not hinge on that.
bool json_equal(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return compare_numbers(a, b) == 0;
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!json_equal(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      auto other = b.find(it.key());
      if (other == b.end() || !json_equal(it.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

std::string instance_type(const json& v) {
  if (v.is_number_integer()) return "integer";
  if (v.is_number_float()) return "number";
  return v.type_name();
}

std::string join_alternatives(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += (i + 1 == names.size()) ? " or " : ", ";
    out += names[i];
  }
  return out;
}

std::string plural(std::size_t n, std::string_view word) {
  std::string out = std::to_string(n) + " " + std::string(word);
  if (n != 1) out += "s";
  return out;
}

// ---- compilation ---------------------------------------------------------------------------

// One compiled std::regex per distinct pattern text, shared by every schema of the process:
// manifest.schema.json repeats a handful of patterns many times, and a compile costs far more than
// a lookup (at most kMaxCached kept). Throws std::regex_error like the std::regex constructor
// (failures are not kept).
std::shared_ptr<const std::regex> shared_regex(const std::string& source) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const std::regex>, std::less<>> cache;
  constexpr std::size_t kMaxCached = 256;  // bounded whatever schemas a process compiles
  std::lock_guard lock(mutex);
  if (cache.size() >= kMaxCached && cache.count(source) == 0) {
    return std::make_shared<const std::regex>(source, std::regex::ECMAScript);
  }
  auto& slot = cache[source];
  if (!slot) {
    try {
      slot = std::make_shared<const std::regex>(source, std::regex::ECMAScript);
    } catch (...) {
      cache.erase(source);
      throw;
    }
  }
  return slot;
}

class Compiler {
 public:
  std::vector<SchemaError> errors;

  std::unique_ptr<Node> compile(const json& schema, const std::string& ptr) {
    auto node = std::make_unique<Node>();
    if (schema.is_boolean()) {
      node->constant = schema.get<bool>();
      return node;
    }
    if (!schema.is_object()) {
      fail(ptr, "a schema must be an object or a boolean, got " + instance_type(schema));
      node->constant = true;
      return node;
    }
    for (auto it = schema.begin(); it != schema.end(); ++it) {
      keyword(*node, it.key(), it.value(), ptr + "/" + escape_pointer_token(it.key()));
    }
    return node;
  }

 private:
  void fail(const std::string& ptr, std::string message) { errors.push_back({ptr, std::move(message)}); }

  std::optional<std::size_t> count(const json& v, const std::string& ptr) {
    if (!is_integral(v) || v.get<double>() < 0) {
      fail(ptr, "must be a non-negative integer");
      return std::nullopt;
    }
    if (v.is_number_integer()) return static_cast<std::size_t>(v.get<std::uint64_t>());  // >= 0 here
    // An integral float such as 2.0 or 1e300: clamp before converting (out of range would be UB).
    const double d = v.get<double>();
    return d >= 1e18 ? std::numeric_limits<std::size_t>::max() : static_cast<std::size_t>(d);
  }

  std::optional<json> number(const json& v, const std::string& ptr) {
    if (!v.is_number()) {
      fail(ptr, v.is_boolean() ? "must be a number (the draft-4 boolean form is not supported)" : "must be a number");
      return std::nullopt;
    }
    return v;
  }

  void type_keyword(Node& node, const json& v, const std::string& ptr) {
    std::vector<json> names;
    if (v.is_string()) {
      names.push_back(v);
    } else if (v.is_array() && !v.empty()) {
      names.assign(v.begin(), v.end());
    } else {
      fail(ptr, "must be a type name or a non-empty array of type names");
      return;
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string item_ptr = v.is_array() ? ptr + "/" + std::to_string(i) : ptr;
      const TypeName* found = nullptr;
      if (names[i].is_string()) {
        for (const auto& t : kTypeNames) {
          if (t.name == names[i].get_ref<const std::string&>()) found = &t;
        }
      }
      if (found == nullptr) {
        fail(item_ptr,
             "unknown type " + names[i].dump() + " (expected null, boolean, object, array, number, string or integer)");
        continue;
      }
      if ((node.types & found->bit) != 0) {
        fail(item_ptr, "duplicate type \"" + std::string(found->name) + "\"");
        continue;
      }
      node.types |= found->bit;
      node.type_names.emplace_back(found->name);
    }
  }

  void keyword(Node& node, const std::string& key, const json& v, const std::string& ptr) {
    if (key == "type") {
      type_keyword(node, v, ptr);
    } else if (key == "properties") {
      if (!v.is_object()) return fail(ptr, "must be an object");
      for (auto it = v.begin(); it != v.end(); ++it) {
        node.properties[it.key()] = compile(it.value(), ptr + "/" + escape_pointer_token(it.key()));
      }
    } else if (key == "required") {
      if (!v.is_array()) return fail(ptr, "must be an array of property names");
      std::set<std::string> seen;
      for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string item_ptr = ptr + "/" + std::to_string(i);
        if (!v[i].is_string()) {
          fail(item_ptr, "must be a string");
        } else if (!seen.insert(v[i].get<std::string>()).second) {
          fail(item_ptr, "duplicate required property '" + v[i].get<std::string>() + "'");
        } else {
          node.required.push_back(v[i].get<std::string>());
        }
      }
    } else if (key == "additionalProperties") {
      node.additional = compile(v, ptr);
    } else if (key == "enum") {
      if (!v.is_array() || v.empty()) return fail(ptr, "must be a non-empty array");
      node.enum_values = v;
    } else if (key == "const") {
      node.const_value = v;
    } else if (key == "minimum") {
      node.minimum = number(v, ptr);
    } else if (key == "maximum") {
      node.maximum = number(v, ptr);
    } else if (key == "exclusiveMinimum") {
      node.exclusive_minimum = number(v, ptr);
    } else if (key == "exclusiveMaximum") {
      node.exclusive_maximum = number(v, ptr);
    } else if (key == "minLength") {
      node.min_length = count(v, ptr);
    } else if (key == "maxLength") {
      node.max_length = count(v, ptr);
    } else if (key == "minItems") {
      node.min_items = count(v, ptr);
    } else if (key == "maxItems") {
      node.max_items = count(v, ptr);
    } else if (key == "uniqueItems") {
      if (!v.is_boolean()) return fail(ptr, "must be a boolean");
      node.unique_items = v.get<bool>();
    } else if (key == "pattern") {
      if (!v.is_string()) return fail(ptr, "must be a string");
      try {
        node.pattern = shared_regex(v.get<std::string>());
        node.pattern_source = v.get<std::string>();
      } catch (const std::regex_error& e) {
        fail(ptr, "not a valid ECMAScript regular expression for std::regex (" + std::string(e.what()) + ")");
      }
    } else if (key == "items") {
      if (v.is_array()) return fail(ptr, "the array (tuple) form of items is not supported; use a single schema");
      node.items = compile(v, ptr);
    } else if (!is_annotation(key)) {
      fail(ptr, "unsupported keyword '" + key + "'");
    }
  }
};

// ---- validation ----------------------------------------------------------------------------

class Checker {
 public:
  explicit Checker(std::vector<ValidationError>& out) : out_(out) {}

  void check(const Node& node, const json& v, const std::string& ptr) {
    if (node.constant.has_value()) {
      if (!*node.constant) add(ptr, "no value is allowed here");
      return;
    }
    if (node.types != 0 && !type_matches(node.types, v)) {
      add(ptr, "expected " + join_alternatives(node.type_names) + ", got " + instance_type(v));
      return;
    }
    if (node.enum_values) check_enum(*node.enum_values, v, ptr);
    if (node.const_value && !json_equal(*node.const_value, v)) {
      add(ptr, "must be equal to " + node.const_value->dump());
    }
    if (v.is_number()) check_number(node, v, ptr);
    if (v.is_string()) check_string(node, v.get_ref<const std::string&>(), ptr);
    if (v.is_array()) check_array(node, v, ptr);
    if (v.is_object()) check_object(node, v, ptr);
  }

 private:
  void add(const std::string& ptr, std::string message) { out_.push_back({ptr, std::move(message)}); }

  static bool type_matches(unsigned types, const json& v) {
    switch (v.type()) {
      case json::value_t::null: return (types & detail::kNullBit) != 0;
      case json::value_t::boolean: return (types & detail::kBooleanBit) != 0;
      case json::value_t::object: return (types & detail::kObjectBit) != 0;
      case json::value_t::array: return (types & detail::kArrayBit) != 0;
      case json::value_t::string: return (types & detail::kStringBit) != 0;
      case json::value_t::number_integer:
      case json::value_t::number_unsigned:
      case json::value_t::number_float:
        return (types & detail::kNumberBit) != 0 || ((types & detail::kIntegerBit) != 0 && is_integral(v));
      default: return false;  // binary / discarded never come out of a JSON parse
    }
  }

  void check_enum(const json& values, const json& v, const std::string& ptr) {
    for (const auto& candidate : values) {
      if (json_equal(candidate, v)) return;
    }
    std::string list;
    for (const auto& candidate : values) {
      if (!list.empty()) list += ", ";
      list += candidate.dump();
    }
    add(ptr, "must be one of: " + list);
  }

  void check_number(const Node& node, const json& v, const std::string& ptr) {
    const std::string got = " (got " + v.dump() + ")";
    if (node.minimum && compare_numbers(v, *node.minimum) < 0) {
      add(ptr, "must be >= " + node.minimum->dump() + got);
    }
    if (node.maximum && compare_numbers(v, *node.maximum) > 0) {
      add(ptr, "must be <= " + node.maximum->dump() + got);
    }
    if (node.exclusive_minimum && compare_numbers(v, *node.exclusive_minimum) <= 0) {
      add(ptr, "must be > " + node.exclusive_minimum->dump() + got);
    }
    if (node.exclusive_maximum && compare_numbers(v, *node.exclusive_maximum) >= 0) {
      add(ptr, "must be < " + node.exclusive_maximum->dump() + got);
    }
  }

  void check_string(const Node& node, const std::string& s, const std::string& ptr) {
    if (node.min_length || node.max_length) {
      const std::size_t n = code_points(s);
      if (node.min_length && n < *node.min_length) {
        add(ptr, "must be at least " + plural(*node.min_length, "character") + " long");
      }
      if (node.max_length && n > *node.max_length) {
        add(ptr, "must be at most " + plural(*node.max_length, "character") + " long");
      }
    }
    if (node.pattern) {
      bool matched = false;
      if (s.size() <= kMaxPatternSubjectBytes) {
        try {
          matched = std::regex_search(s, *node.pattern);
        } catch (const std::exception&) {
          matched = false;  // libstdc++ may give up on pathological input: treat as no match
        }
      }
      if (!matched) add(ptr, "must match pattern " + node.pattern_source);
    }
  }

  void check_array(const Node& node, const json& v, const std::string& ptr) {
    const std::string got = " (got " + std::to_string(v.size()) + ")";
    if (node.min_items && v.size() < *node.min_items) {
      add(ptr, "must have at least " + plural(*node.min_items, "item") + got);
    }
    if (node.max_items && v.size() > *node.max_items) {
      add(ptr, "must have at most " + plural(*node.max_items, "item") + got);
    }
    if (node.unique_items) {
      for (std::size_t j = 1; j < v.size(); ++j) {
        for (std::size_t i = 0; i < j; ++i) {
          if (json_equal(v[i], v[j])) {
            add(ptr,
                "must not contain duplicates (item " + std::to_string(j) + " equals item " + std::to_string(i) + ")");
            break;
          }
        }
      }
    }
    if (node.items) {
      for (std::size_t i = 0; i < v.size(); ++i) check(*node.items, v[i], ptr + "/" + std::to_string(i));
    }
  }

  void check_object(const Node& node, const json& v, const std::string& ptr) {
    for (const auto& name : node.required) {
      if (!v.contains(name)) add(ptr, "missing required property '" + name + "'");
    }
    // The child's pointer is built only for a property that has a schema: results check every
    // call's structured content, and most of an answer's keys are not described at all.
    for (auto it = v.begin(); it != v.end(); ++it) {
      auto prop = node.properties.find(it.key());
      if (prop != node.properties.end()) {
        check(*prop->second, it.value(), ptr + "/" + escape_pointer_token(it.key()));
      } else if (node.additional) {
        if (node.additional->constant == false) {
          add(ptr, "unexpected property '" + it.key() + "' " + allowed_list(node));
        } else {
          check(*node.additional, it.value(), ptr + "/" + escape_pointer_token(it.key()));
        }
      }
    }
  }

  static std::string allowed_list(const Node& node) {
    if (node.properties.empty()) return "(no properties are allowed)";
    std::string out = "(allowed: ";
    bool first = true;
    for (const auto& [name, unused] : node.properties) {
      if (!first) out += ", ";
      out += name;
      first = false;
    }
    return out + ")";
  }

  std::vector<ValidationError>& out_;
};

// ---- coercion ------------------------------------------------------------------------------

bool wants_only(const Node& node, unsigned bit) {
  return node.types != 0 && (node.types & bit) != 0 && (node.types & detail::kStringBit) == 0;
}

std::vector<std::string> split_csv(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = s.find(',', start);
    std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto first = item.find_first_not_of(" \t");
    const auto last = item.find_last_not_of(" \t");
    if (first != std::string::npos) out.push_back(item.substr(first, last - first + 1));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

// "-12" or "42": at most 18 digits, so it always fits an int64.
bool integer_text(const std::string& s) {
  static const std::regex re("^-?[0-9]{1,18}$");
  return std::regex_match(s, re);
}

class Coercer {
 public:
  explicit Coercer(std::vector<Coercion>& notes) : notes_(notes) {}

  json apply(const Node& node, const json& v, const std::string& ptr) {
    if (node.constant.has_value()) return v;
    if (v.is_string()) return from_string(node, v.get_ref<const std::string&>(), ptr);
    if (v.is_array() && node.items) {
      json out = json::array();
      for (std::size_t i = 0; i < v.size(); ++i) out.push_back(apply(*node.items, v[i], ptr + "/" + std::to_string(i)));
      return out;
    }
    if (v.is_object()) {
      json out = v;
      for (auto it = out.begin(); it != out.end(); ++it) {
        auto prop = node.properties.find(it.key());
        if (prop != node.properties.end())
          it.value() = apply(*prop->second, it.value(), ptr + "/" + escape_pointer_token(it.key()));
      }
      return out;
    }
    return v;
  }

 private:
  json from_string(const Node& node, const std::string& s, const std::string& ptr) {
    const json original = s;
    if (wants_only(node, detail::kArrayBit) && node.items && node.items->types == detail::kStringBit) {
      json items = json::array();
      for (auto& item : split_csv(s)) items.push_back(std::move(item));
      note(ptr, "the string " + original.dump() + " was read as " + items.dump() + " (comma-separated items)");
      return items;
    }
    if (wants_only(node, detail::kIntegerBit) && integer_text(s)) {
      const json n = std::stoll(s);
      note(ptr, "the string " + original.dump() + " was read as the integer " + n.dump());
      return n;
    }
    return original;
  }

  void note(const std::string& ptr, std::string message) { notes_.push_back({ptr, std::move(message)}); }

  std::vector<Coercion>& notes_;
};

}  // namespace

struct Validator::Deferred {
  std::once_flag once;
  json schema;  // released once compiled
  std::shared_ptr<const Node> root;
};

const Node& Validator::root() const {
  if (root_) return *root_;
  std::call_once(deferred_->once, [d = deferred_.get()] {
    Compiler compiler;
    std::unique_ptr<Node> root = compiler.compile(d->schema, "");
    if (!compiler.errors.empty()) {  // check() passed, so this is not expected: accept nothing
      root = std::make_unique<Node>();
      root->constant = false;
    }
    d->root = std::move(root);
    d->schema = json();
  });
  return *deferred_->root;
}

Validator Validator::deferred(json schema) {
  Validator v(nullptr);
  v.deferred_ = std::make_shared<Deferred>();
  v.deferred_->schema = std::move(schema);
  return v;
}

Validator Validator::compile(const json& schema, std::vector<SchemaError>& errors) {
  Compiler compiler;
  std::shared_ptr<const Node> root = compiler.compile(schema, "");
  errors = std::move(compiler.errors);
  return Validator(std::move(root));
}

json Validator::coerce(const json& instance, std::vector<Coercion>& notes) const {
  return Coercer(notes).apply(root(), instance, "");
}

std::vector<SchemaError> Validator::check(const json& schema) {
  Compiler compiler;
  (void)compiler.compile(schema, "");
  return std::move(compiler.errors);
}

Result<Validator> Validator::compile(const json& schema) {
  Compiler compiler;
  std::shared_ptr<const Node> root = compiler.compile(schema, "");
  if (!compiler.errors.empty()) {
    std::string message;
    for (const auto& e : compiler.errors) {
      if (!message.empty()) message += "; ";
      message += "invalid schema at " + (e.pointer.empty() ? std::string("(root)") : e.pointer) + ": " + e.message;
    }
    return invalid_argument(std::move(message));
  }
  return Validator(std::move(root));
}

std::vector<ValidationError> Validator::validate(const json& instance) const {
  std::vector<ValidationError> out;
  Checker(out).check(root(), instance, "");
  return out;
}

bool Validator::accepts(const json& instance) const { return validate(instance).empty(); }

std::string describe(const ValidationError& error) {
  if (error.pointer.empty()) return error.message;
  return error.pointer + ": " + error.message;
}

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::size_t code_points(std::string_view utf8) {
  std::size_t n = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++n;
  }
  return n;
}

}  // namespace fini::schema
