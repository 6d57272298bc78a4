#include "tools/manifest_lint.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include "tools/text_scan.hpp"

namespace fini::tools {

using nlohmann::json;
using schema::escape_pointer_token;

namespace {

constexpr std::string_view kTopLevelKeys[] = {"annotations", "confirm", "description", "input", "name",   "output",
                                              "paging",      "request", "scope",       "title", "toolset"};
constexpr std::string_view kRequestKeys[] = {"method",    "path",      "project",    "response",
                                             "timeoutMs", "unknownId", "verifyEach", "wrap"};
constexpr std::string_view kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
constexpr std::string_view kLocations[] = {"path", "query", "body", "form"};
constexpr std::string_view kAnnotationKeys[] = {"destructiveHint", "idempotentHint", "openWorldHint", "readOnlyHint",
                                                "title"};

template <std::size_t N>
bool one_of(std::string_view value, const std::string_view (&set)[N]) {
  return std::find(std::begin(set), std::end(set), value) != std::end(set);
}

template <std::size_t N>
std::string join(const std::string_view (&set)[N], std::string_view sep = ", ") {
  std::string out;
  for (auto s : set) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string child(const std::string& ptr, std::string_view key) { return ptr + "/" + escape_pointer_token(key); }

bool valid_name(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

bool valid_placeholder(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool declares_array(const json& schema) {
  if (!schema.is_object() || !schema.contains("type")) return false;
  const json& t = schema["type"];
  if (t.is_string()) return t == "array";
  if (t.is_array()) return std::find(t.begin(), t.end(), json("array")) != t.end();
  return false;
}

// Visits every schema position below (and including) `schema`: properties/*,
// additionalProperties and items when they are schema objects. `top` marks the direct
// properties of the input root, the only place private keywords are allowed.
using SchemaVisitor = std::function<void(const json& node, const std::string& ptr, bool top)>;
void visit_schemas(const json& schema, const std::string& ptr, bool is_input_root, const SchemaVisitor& fn,
                   bool top = false) {
  if (!schema.is_object()) return;
  fn(schema, ptr, top);
  if (auto it = schema.find("properties"); it != schema.end() && it->is_object()) {
    for (auto p = it->begin(); p != it->end(); ++p) {
      visit_schemas(p.value(), child(child(ptr, "properties"), p.key()), false, fn, is_input_root);
    }
  }
  if (auto it = schema.find("additionalProperties"); it != schema.end()) {
    visit_schemas(*it, child(ptr, "additionalProperties"), false, fn);
  }
  if (auto it = schema.find("items"); it != schema.end()) visit_schemas(*it, child(ptr, "items"), false, fn);
}

// manifests/README.md "Annotations by rule": the hints a write tool must carry, by what its name
// says it does. First match wins; "*x" matches names containing x, anything else is a prefix.
struct AnnotationRule {
  std::string_view match;
  bool destructive;
  bool idempotent;
  std::string_view why;
};
constexpr AnnotationRule kAnnotationRules[] = {
    {"*delete", true, true, "deletes cannot be undone and repeat harmlessly"},
    {"publish_", true, false, "publishing puts content live for customers"},
    {"*_prompts", true, false, "prompt changes change a live agent at once (a new version per call)"},
    {"update_", true, true, "full updates overwrite what is there"},
    {"refine_", true, false, "refining rewrites the draft in place"},
    {"persist_", true, false, "persisting may replace the knowledge tree"},
    {"import_", true, false, "importing may replace what is there"},
    {"move_", false, true, "moves keep content and repeat harmlessly"},
    {"crawl_", false, true, "crawling only reads pages"},
    {"create_", false, false, "creates add new records"},
    {"duplicate_", false, false, "duplicates add new records"},
    {"generate_", false, false, "generation queues new work"},
    {"bulk_generate_", false, false, "generation queues new work"},
    {"ingest_", false, false, "ingestion queues new work"},
    {"register_", false, false, "registration adds records"},
    {"refresh_", false, false, "refreshing queues new work"},
    {"initialize_", false, false, "initialising generates a new file"},
    {"assign_", false, false, "assigning adds links"},
};

const AnnotationRule* annotation_rule(std::string_view name) {
  for (const auto& rule : kAnnotationRules) {
    const bool hit = rule.match.front() == '*' ? name.find(rule.match.substr(1)) != std::string_view::npos
                                               : name.substr(0, rule.match.size()) == rule.match;
    if (hit) return &rule;
  }
  return nullptr;
}

class Linter {
 public:
  explicit Linter(const LintContext& context) : ctx_(context) {}

  std::vector<LintIssue> run(const json& doc) {
    if (!doc.is_object()) {
      add("", std::string("a manifest must be a JSON object, got ") + doc.type_name());
      return std::move(issues_);
    }
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      if (!one_of(it.key(), kTopLevelKeys)) {
        add(child("", it.key()), "unknown key (allowed: " + join(kTopLevelKeys) + ")");
      }
    }
    check_name(doc);
    if (const json* title = string_field(doc, "", "title"); title && title->get_ref<const std::string&>().empty()) {
      add("/title", "must not be empty");
    }
    check_description(doc);
    check_toolset(doc);
    const json* scope = string_field(doc, "", "scope");
    if (scope && *scope != "read" && *scope != "write") add("/scope", "must be one of read, write");
    check_request(doc);
    check_input(doc);
    check_output(doc);
    check_projection(doc);
    check_annotations(doc, scope);
    check_paging(doc);
    // Surface policy (canonical id names, annotations by rule, confirmation questions) only on a
    // structurally sound manifest: its findings would be noise next to a broken one.
    if (issues_.empty()) check_policy(doc);
    return std::move(issues_);
  }

 private:
  void add(std::string ptr, std::string reason) { issues_.push_back({ctx_.file, std::move(ptr), std::move(reason)}); }

  // The member `key` of `obj` if it is a string; an issue (and nullptr) when missing/wrong.
  const json* string_field(const json& obj, const std::string& ptr, std::string_view key, bool required = true) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) add(child(ptr, key), "is required");
      return nullptr;
    }
    if (!it->is_string()) {
      add(child(ptr, key), "must be a string");
      return nullptr;
    }
    return &*it;
  }

  const json* object_field(const json& obj, const std::string& ptr, std::string_view key, bool required = true) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) add(child(ptr, key), "is required");
      return nullptr;
    }
    if (!it->is_object()) {
      add(child(ptr, key), "must be an object");
      return nullptr;
    }
    return &*it;
  }

  void check_name(const json& doc) {
    const json* name = string_field(doc, "", "name");
    if (name == nullptr) return;
    const auto& s = name->get_ref<const std::string&>();
    if (!valid_name(s)) add("/name", "must match ^[a-z0-9_]+$ (got \"" + s + "\")");
    if (s.size() > kMaxToolNameLength) {
      add("/name", "must be at most " + std::to_string(kMaxToolNameLength) + " characters (got " +
                       std::to_string(s.size()) + ")");
    }
    if (s != ctx_.stem) add("/name", "must equal the file name '" + ctx_.stem + "' (got '" + s + "')");
  }

  void check_description(const json& doc) {
    const json* d = string_field(doc, "", "description");
    if (d == nullptr) return;
    const std::size_t n = schema::code_points(d->get_ref<const std::string&>());
    if (n == 0) {
      add("/description", "must not be empty");
    } else if (n > kMaxDescriptionLength) {
      add("/description",
          "must be at most " + std::to_string(kMaxDescriptionLength) + " characters (got " + std::to_string(n) + ")");
    }
  }

  void check_toolset(const json& doc) {
    const json* t = string_field(doc, "", "toolset");
    if (t == nullptr) return;
    const auto& s = t->get_ref<const std::string&>();
    if (s != ctx_.folder) {
      add("/toolset", "must equal the folder name '" + ctx_.folder + "' (got '" + s + "')");
    } else if (!one_of(s, kToolsets)) {
      add("/toolset", "unknown toolset '" + s + "' (known: " + join(kToolsets) + ")");
    }
  }

  void check_request(const json& doc) {
    const json* req = object_field(doc, "", "request");
    if (req == nullptr) return;
    for (auto it = req->begin(); it != req->end(); ++it) {
      if (!one_of(it.key(), kRequestKeys)) {
        add(child("/request", it.key()), "unknown key (allowed: " + join(kRequestKeys) + ")");
      }
    }
    if (const json* m = string_field(*req, "/request", "method"); m && !one_of(m->get<std::string>(), kMethods)) {
      add("/request/method", "must be one of " + join(kMethods));
    }
    if (const json* p = string_field(*req, "/request", "path")) parse_path(p->get<std::string>());
    if (auto it = req->find("timeoutMs"); it != req->end()) {
      if (!it->is_number_integer() || it->get<std::int64_t>() < kMinTimeoutMs ||
          it->get<std::int64_t>() > kMaxTimeoutMs) {
        add("/request/timeoutMs", "must be an integer between " + std::to_string(kMinTimeoutMs) + " and " +
                                      std::to_string(kMaxTimeoutMs) + " (milliseconds)");
      }
    }
    if (const json* r = string_field(*req, "/request", "response", false); r && *r != "json" && *r != "file") {
      add("/request/response", "must be one of json, file");
    }
    if (auto it = req->find("unknownId"); it != req->end()) check_unknown_id(*it);
    if (auto it = req->find("wrap"); it != req->end()) {
      if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
        add("/request/wrap", "must be a non-empty string");
      } else {
        wrap_ = it->get<std::string>();
      }
    }
    if (auto it = req->find("project"); it != req->end()) {
      if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
        add("/request/project", "must be \".\" or the name of the items property of the result");
      } else {
        project_ = it->get<std::string>();
      }
    }
  }

  void check_unknown_id(const json& u) {
    if (!u.is_object()) return add("/request/unknownId", "must be an object with answers, what and listWith");
    for (auto it = u.begin(); it != u.end(); ++it) {
      if (it.key() != "answers" && it.key() != "what" && it.key() != "listWith") {
        add(child("/request/unknownId", it.key()), "unknown key (allowed: answers, listWith, what)");
      }
    }
    const json* answers = string_field(u, "/request/unknownId", "answers");
    if (answers && *answers != "500" && *answers != "null" && *answers != "success") {
      add("/request/unknownId/answers", "must be one of 500, null, success");
    }
    for (std::string_view key : {"what", "listWith"}) {
      const json* v = string_field(u, "/request/unknownId", key);
      if (v && v->get_ref<const std::string&>().empty()) add(child("/request/unknownId", key), "must not be empty");
    }
  }

  void parse_path(const std::string& path) {
    path_parsed_ = true;
    if (path.empty() || path.front() != '/') add("/request/path", "must start with /");
    if (path.find('?') != std::string::npos || path.find('#') != std::string::npos) {
      add("/request/path", "must not contain a query string or fragment (use \"in\": \"query\" properties)");
    }
    std::size_t pos = 0;
    while (pos < path.size()) {
      const std::size_t open = path.find_first_of("{}", pos);
      if (open == std::string::npos) break;
      const std::size_t close = path[open] == '{' ? path.find_first_of("{}", open + 1) : std::string::npos;
      if (close == std::string::npos || path[close] != '}') {
        add("/request/path", "unbalanced { or } at offset " + std::to_string(open));
        return;
      }
      std::string name = path.substr(open + 1, close - open - 1);
      if (!valid_placeholder(name)) {
        add("/request/path", "placeholder {" + name + "} must be a non-empty [A-Za-z0-9_] name");
      } else if (std::find(placeholders_.begin(), placeholders_.end(), name) != placeholders_.end()) {
        add("/request/path", "placeholder {" + name + "} appears more than once");
      } else {
        placeholders_.push_back(std::move(name));
      }
      pos = close + 1;
    }
  }

  void check_input(const json& doc) {
    const json* input = object_field(doc, "", "input");
    if (input == nullptr) return;
    if (input->value("type", json()) != "object") add("/input/type", "must be \"object\"");

    std::set<std::string> required;
    if (auto it = input->find("required"); it != input->end() && it->is_array()) {
      for (const auto& r : *it) {
        if (r.is_string()) required.insert(r.get<std::string>());
      }
    }
    // placeholder -> the path properties that claim it
    std::map<std::string, std::vector<std::string>> claims;
    std::map<std::pair<std::string, std::string>, std::string> wire_owner;  // (in, wire) -> property
    std::string first_body, first_form;
    if (auto props = input->find("properties"); props != input->end() && props->is_object()) {
      for (auto it = props->begin(); it != props->end(); ++it) {
        const std::string ptr = child("/input/properties", it.key());
        check_param(it.key(), it.value(), ptr, required, claims, wire_owner, first_body, first_form);
      }
    }
    if (path_parsed_) {
      for (const auto& name : placeholders_) {
        auto c = claims.find(name);
        if (c == claims.end()) {
          // A property with a missing/invalid "in" already has an issue; do not repeat it here.
          if (unplaced_wires_.count(name) != 0) continue;
          add("/request/path", "placeholder {" + name + "} has no matching \"in\": \"path\" property");
        } else if (c->second.size() > 1) {
          std::string list;
          for (const auto& p : c->second) list += (list.empty() ? "" : ", ") + p;
          add("/request/path", "placeholder {" + name + "} is matched by " + std::to_string(c->second.size()) +
                                   " path properties: " + list);
        }
      }
    }
    check_schema_tree(*input, "/input", /*is_input=*/true);
    const json published = publish_input_schema(*input);
    for (const auto& e : schema::Validator::check(published)) add("/input" + e.pointer, e.message);
  }

  void check_param(const std::string& name, const json& prop, const std::string& ptr,
                   const std::set<std::string>& required, std::map<std::string, std::vector<std::string>>& claims,
                   std::map<std::pair<std::string, std::string>, std::string>& wire_owner, std::string& first_body,
                   std::string& first_form) {
    if (!prop.is_object()) {
      add(ptr, "must be a schema object with \"in\"");
      return;
    }
    std::string wire = name;
    if (auto w = prop.find("wireName"); w != prop.end()) {
      if (!w->is_string() || w->get_ref<const std::string&>().empty()) {
        add(ptr + "/wireName", "must be a non-empty string");
      } else {
        wire = w->get<std::string>();
      }
    }
    std::string in;
    if (auto i = prop.find("in"); i == prop.end()) {
      add(ptr + "/in", "is required (one of " + join(kLocations) + ")");
    } else if (!i->is_string() || !one_of(i->get<std::string>(), kLocations)) {
      add(ptr + "/in", "must be one of " + join(kLocations));
    } else {
      in = i->get<std::string>();
    }
    if (auto s = prop.find("style"); s != prop.end()) {
      if (in != "query") {
        add(ptr + "/style", "only allowed on \"in\": \"query\" properties");
      } else if (!declares_array(prop)) {
        add(ptr + "/style", "only allowed on array properties");
      } else if (*s != "repeat" && *s != "csv") {
        add(ptr + "/style", "must be one of repeat, csv");
      }
    }
    if (auto u = prop.find("unit"); u != prop.end()) {
      if (*u != "epoch-ms") {
        add(ptr + "/unit", "must be \"epoch-ms\"");
      } else if (prop.value("type", json()) != "integer") {
        add(ptr + "/unit", "only allowed on integer properties");
      } else if (prop.value("description", "").find("ISO 8601") == std::string::npos) {
        // The server reads ISO 8601 dates in these arguments; the model learns it here.
        add(ptr + "/description", "must say that ISO 8601 dates are accepted (\"unit\": \"epoch-ms\")");
      }
    }
    if (auto f = prop.find("formFile"); f != prop.end()) {
      if (in != "form") {
        add(ptr + "/formFile", "only allowed on \"in\": \"form\" properties");
      } else {
        check_form_file(*f, ptr + "/formFile");
      }
    }
    if (in.empty()) {
      unplaced_wires_.insert(wire);
      return;
    }
    if (in == "path") {
      if (path_parsed_ && std::find(placeholders_.begin(), placeholders_.end(), wire) == placeholders_.end()) {
        add(ptr + "/in", "no {" + wire + "} placeholder in /request/path for this path property");
      }
      claims[wire].push_back(name);
      if (required.count(name) == 0) add("/input/required", "path property '" + name + "' must be required");
    } else {
      auto [owner, inserted] = wire_owner.emplace(std::make_pair(in, wire), name);
      if (!inserted) {
        add(ptr + (prop.contains("wireName") ? "/wireName" : ""),
            "wire name '" + wire + "' is already used by " + in + " property '" + owner->second + "'");
      }
    }
    if (in == "body" && first_body.empty()) first_body = name;
    if (in == "form" && first_form.empty()) first_form = name;
    if ((in == "body" && !first_form.empty()) || (in == "form" && !first_body.empty())) {
      if (!mixed_reported_) {
        add(ptr + "/in", "cannot mix \"body\" and \"form\" properties in one tool (see '" +
                             (in == "body" ? first_form : first_body) + "')");
        mixed_reported_ = true;
      }
    }
  }

  void check_form_file(const json& f, const std::string& ptr) {
    if (!f.is_object()) {
      add(ptr, "must be an object with filename and contentType");
      return;
    }
    for (auto it = f.begin(); it != f.end(); ++it) {
      if (it.key() != "filename" && it.key() != "contentType") {
        add(child(ptr, it.key()), "unknown key (allowed: contentType, filename)");
      }
    }
    for (std::string_view key : {"filename", "contentType"}) {
      auto it = f.find(key);
      if (it == f.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
        add(child(ptr, key), "must be a non-empty string");
      }
    }
  }

  // Rules on every schema position: private keywords only where allowed, arrays with items,
  // required names declared.
  void check_schema_tree(const json& root, const std::string& root_ptr, bool is_input) {
    visit_schemas(root, root_ptr, is_input, [&](const json& node, const std::string& ptr, bool top) {
      for (auto kw : kPrivateKeywords) {
        if (!top && node.contains(kw)) {
          add(child(ptr, kw),
              "private keyword '" + std::string(kw) + "' is only allowed directly on a property of input.properties");
        }
      }
      if (declares_array(node) && !node.contains("items")) add(ptr, "array schema must declare \"items\"");
      auto req = node.find("required");
      if (req != node.end() && req->is_array()) {
        const json* props = node.contains("properties") ? &node["properties"] : nullptr;
        for (std::size_t i = 0; i < req->size(); ++i) {
          const json& r = (*req)[i];
          if (r.is_string() && (props == nullptr || !props->is_object() || !props->contains(r.get<std::string>()))) {
            add(ptr + "/required/" + std::to_string(i), "'" + r.get<std::string>() + "' is not a declared property");
          }
        }
      }
    });
  }

  void check_output(const json& doc) {
    const json* out = object_field(doc, "", "output", /*required=*/false);
    if (out == nullptr) return;
    if (out->value("type", json()) != "object") add("/output/type", "must be \"object\"");
    check_schema_tree(*out, "/output", /*is_input=*/false);
    // Private keywords were reported above; compile without them so they are not reported twice.
    for (const auto& e : schema::Validator::check(publish_input_schema(*out))) add("/output" + e.pointer, e.message);
    if (!wrap_.empty()) {
      auto props = out->find("properties");
      if (props != out->end() && props->is_object() && !props->contains(wrap_)) {
        add("/output/properties", "must declare the wrapped property '" + wrap_ + "' (request.wrap)");
      }
    }
    if (!project_.empty() && project_ != ".") {
      auto props = out->find("properties");
      if (props != out->end() && props->is_object() && !props->contains(project_)) {
        add("/output/properties", "must declare the projected property '" + project_ + "' (request.project)");
      }
    }
  }

  void check_projection(const json& doc) {
    if (project_.empty()) return;
    const json* input = doc.contains("input") && doc["input"].is_object() ? &doc["input"] : nullptr;
    if (input != nullptr && input->contains("properties") && (*input)["properties"].contains(kFieldsArgument)) {
      add("/input/properties/fields", "is reserved: request.project adds the fields argument");
    }
  }

  void check_annotations(const json& doc, const json* scope) {
    const json* ann = object_field(doc, "", "annotations");
    if (ann == nullptr) return;
    for (auto it = ann->begin(); it != ann->end(); ++it) {
      if (!one_of(it.key(), kAnnotationKeys)) {
        add(child("/annotations", it.key()), "unknown annotation (allowed: " + join(kAnnotationKeys) + ")");
      } else if (it.key() == "title" ? !it->is_string() : !it->is_boolean()) {
        add(child("/annotations", it.key()), it.key() == "title" ? "must be a string" : "must be a boolean");
      }
    }
    auto ro = ann->find("readOnlyHint");
    if (ro == ann->end()) {
      add("/annotations/readOnlyHint", "is required");
    } else if (ro->is_boolean()) {
      const bool read_only = ro->get<bool>();
      if (read_only && scope != nullptr && *scope == "write") {
        add("/annotations/readOnlyHint", "must be false for a tool with scope 'write'");
      }
      if (!read_only) {
        for (const char* key : {"destructiveHint", "idempotentHint"}) {
          if (!ann->contains(key)) add(child("/annotations", key), "is required when readOnlyHint is false");
        }
      }
    }
    if (!ann->contains("openWorldHint")) add("/annotations/openWorldHint", "is required");
  }

  // Cross-field rules of "paging" (its shape is also in manifest.schema.json): every argument it
  // names is a query property of this tool, the items array is in the output, and exactly one
  // cursor source is declared. The pager trusts these, so a typo fails here, not mid-export.
  void check_paging(const json& doc) {
    const json* paging = object_field(doc, "", "paging", /*required=*/false);
    if (paging == nullptr) return;
    const json* input_props = nullptr;
    if (auto in = doc.find("input"); in != doc.end() && in->is_object()) {
      if (auto p = in->find("properties"); p != in->end() && p->is_object()) input_props = &*p;
    }
    auto query_arg = [&](const json& obj, const std::string& ptr, std::string_view key, bool required) {
      const json* arg = string_field(obj, ptr, key, required);
      if (arg == nullptr) return;
      const std::string& name = arg->get_ref<const std::string&>();
      const json* prop = input_props != nullptr && input_props->contains(name) ? &(*input_props)[name] : nullptr;
      if (prop == nullptr || !prop->is_object() || prop->value("in", "") != "query") {
        add(child(ptr, key), "'" + name + "' is not a query property of input");
      }
    };
    query_arg(*paging, "/paging", "cursorArg", true);
    query_arg(*paging, "/paging", "limitArg", false);
    if (const json* d = object_field(*paging, "/paging", "direction", false)) {
      query_arg(*d, "/paging/direction", "arg", true);
      string_field(*d, "/paging/direction", "value");
    }
    if (const json* w = object_field(*paging, "/paging", "window", false)) {
      query_arg(*w, "/paging/window", "since", true);
      query_arg(*w, "/paging/window", "until", true);
      auto span = w->find("maxSpanMs");
      if (span == w->end() || !span->is_number_integer() || span->get<std::int64_t>() <= 0) {
        add("/paging/window/maxSpanMs", "must be a positive integer (milliseconds)");
      }
    }
    string_field(*paging, "/paging", "hasMore");
    const bool has_next = paging->contains("next"), has_item = paging->contains("cursorFromItem");
    if (has_next == has_item) add("/paging", "must declare exactly one of 'next' and 'cursorFromItem'");
    if (const json* items = string_field(*paging, "/paging", "items")) {
      const json out = doc.value("output", json::object());
      const json prop = out.value("properties", json::object()).value(items->get<std::string>(), json());
      if (!declares_array(prop)) add("/paging/items", "'" + items->get<std::string>() + "' is not an array in output");
    }
    if (!doc.value("annotations", json::object()).value("readOnlyHint", false)) {
      add("/paging", "only read-only tools can be paged (export calls them repeatedly)");
    }
  }

  static const json& input_properties(const json& doc) {
    static const json kNone = json::object();
    auto props = doc["input"].find("properties");
    return props != doc["input"].end() && props->is_object() ? *props : kNone;
  }

  void check_policy(const json& doc) {
    const json& props = input_properties(doc);
    for (auto it = props.begin(); it != props.end(); ++it) {
      if (id_like_name(it.key()) && !canonical_id_name(it.key())) {
        add(child("/input/properties", it.key()),
            "id-like argument '" + it.key() +
                "' must use the canonical name (agentId, conversationId, sourceId, "
                "articleId, folderId, ruleId, tagGroupId, tagId, jobIds, eventId, ...) with wireName for Fini's name");
      }
    }
    const json& ann = doc["annotations"];
    const bool read_only = ann.value("readOnlyHint", false);
    const std::string name = doc["name"].get<std::string>();
    if (!read_only) check_annotation_rule(name, ann);
    check_confirm(doc, !read_only && ann.value("destructiveHint", false));
  }

  void check_annotation_rule(const std::string& name, const json& ann) {
    const AnnotationRule* rule = annotation_rule(name);
    if (rule == nullptr) {
      return add("/name", "no annotation rule matches '" + name +
                              "' (add one to the table in manifests/README.md "
                              "and manifest_lint.cpp)");
    }
    auto expect = [&](const char* key, bool want) {
      if (ann.value(key, !want) != want) {
        add(child("/annotations", key), std::string("must be ") + (want ? "true" : "false") + " by rule '" +
                                            std::string(rule->match) + "': " + std::string(rule->why));
      }
    };
    expect("destructiveHint", rule->destructive);
    expect("idempotentHint", rule->idempotent);
  }

  // A destructive tool carries the question asked before it runs; its {arg} / {count:arg}
  // placeholders name input properties.
  void check_confirm(const json& doc, bool destructive) {
    auto it = doc.find("confirm");
    if (it == doc.end()) {
      if (destructive) add("/confirm", "is required for a destructive tool (the question asked before it runs)");
      return;
    }
    if (!it->is_string() || it->get_ref<const std::string&>().empty())
      return add("/confirm", "must be a non-empty string");
    if (!destructive) return add("/confirm", "only destructive tools ask for confirmation");
    for (const auto& p : placeholders_in(it->get_ref<const std::string&>())) {
      if (!input_properties(doc).contains(p.name))
        add("/confirm", "placeholder {" + p.inner + "} names no input property");
    }
  }

  const LintContext& ctx_;
  std::vector<LintIssue> issues_;
  std::vector<std::string> placeholders_;
  std::set<std::string> unplaced_wires_;  // wire names of properties without a valid "in"
  bool path_parsed_ = false;
  bool mixed_reported_ = false;
  std::string wrap_;
  std::string project_;
};

}  // namespace

std::vector<LintIssue> lint_manifest(const json& doc, const LintContext& context) { return Linter(context).run(doc); }

std::vector<LintIssue> lint_against_schema_file(const json& doc, const schema::Validator& validator,
                                                const std::string& file) {
  std::vector<LintIssue> out;
  for (const auto& e : validator.validate(doc)) out.push_back({file, e.pointer, "manifest.schema.json: " + e.message});
  return out;
}

}  // namespace fini::tools
