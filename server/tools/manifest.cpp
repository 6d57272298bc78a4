#include "tools/manifest.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <system_error>

#include "tools/manifest_lint.hpp"
#include "tools/manifest_lint_dir.hpp"

namespace fini::tools {

using nlohmann::json;

namespace {

constexpr std::string_view kSchemaFileName = "manifest.schema.json";

// POSIX reads: an ifstream per file costs more in locale set-up than the read itself.
bool read_file(const std::filesystem::path& path, std::string& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0;
  out.clear();
  if (ok && st.st_size > 0) out.reserve(static_cast<std::size_t>(st.st_size));
  char chunk[16384];
  while (ok) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n == 0) break;
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) out.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return ok;
}

// Parses a file we ship (not wire input): the loader is the control plane, and nlohmann only
// reports line/column through the exception, which never leaves this function.
bool parse_json(const std::string& text, json& out, std::string& error) {
  try {
    out = json::parse(text);
    return true;
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " id prefix.
    if (auto close = what.find("] "); !what.empty() && what.front() == '[' && close != std::string::npos) {
      what.erase(0, close + 2);
    }
    error = "invalid JSON: " + what;
    return false;
  }
}

// Removes private keywords from every schema position. Misplaced ones are lint issues, but a
// published schema must never carry them either way.
void strip_private(json& schema) {
  if (!schema.is_object()) return;
  for (auto kw : kPrivateKeywords) schema.erase(std::string(kw));
  if (auto it = schema.find("properties"); it != schema.end() && it->is_object()) {
    for (auto& p : it->items()) strip_private(p.value());
  }
  if (auto it = schema.find("additionalProperties"); it != schema.end()) strip_private(*it);
  if (auto it = schema.find("items"); it != schema.end()) strip_private(*it);
}

// doc has passed the linter: its schemas compile, so they are compiled on first use.
Manifest build_manifest(const json& doc, const std::string& file) {
  Manifest m;
  m.name = doc["name"].get<std::string>();
  m.title = doc["title"].get<std::string>();
  m.description = doc["description"].get<std::string>();
  m.toolset = doc["toolset"].get<std::string>();
  m.scope = doc["scope"].get<std::string>();
  m.file = file;
  const json& req = doc["request"];
  m.request.method = req["method"].get<std::string>();
  m.request.path = req["path"].get<std::string>();
  if (req.contains("timeoutMs")) m.request.timeout_ms = req["timeoutMs"].get<int>();
  m.request.file_response = req.value("response", "json") == "file";
  m.request.wrap = req.value("wrap", "");
  m.request.project = req.value("project", "");
  if (auto v = req.find("verifyEach"); v != req.end() && v->is_object()) {
    m.request.verify_each = VerifyEachSpec{v->value("arg", ""), v->value("tool", ""), v->value("as", "")};
  }
  if (auto u = req.find("unknownId"); u != req.end() && u->is_object()) {
    m.request.unknown_id = UnknownIdSpec{u->value("answers", ""), u->value("what", ""), u->value("listWith", "")};
  }
  m.confirm = doc.value("confirm", "");
  m.params = extract_params(doc["input"]);
  m.input_schema = publish_input_schema(m.request.project.empty() ? doc["input"] : with_fields_argument(doc["input"]));
  m.output_schema = doc.contains("output") ? doc["output"] : json();
  m.annotations = doc["annotations"];
  m.validator = std::make_shared<const schema::Validator>(schema::Validator::deferred(m.input_schema));
  if (!m.output_schema.is_null()) {
    m.output_validator = std::make_shared<const schema::Validator>(schema::Validator::deferred(m.output_schema));
  }
  if (doc.contains("paging")) m.paging = parse_paging(doc["paging"]);
  return m;
}

std::vector<std::string> strings_of(const json& obj, const char* key) {
  std::vector<std::string> out;
  if (auto it = obj.find(key); it != obj.end() && it->is_array()) {
    for (const auto& v : *it) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

}  // namespace

PagingSpec parse_paging(const json& p) {
  PagingSpec s;
  s.items = p.value("items", "");
  s.table = p.value("table", s.items);
  s.cursor_arg = p.value("cursorArg", "");
  s.next = p.value("next", "");
  s.cursor_from_item = p.value("cursorFromItem", "");
  s.has_more = p.value("hasMore", "");
  s.limit_arg = p.value("limitArg", "");
  s.max_limit = p.value("maxLimit", 0);
  if (auto d = p.find("direction"); d != p.end() && d->is_object()) {
    s.direction_arg = d->value("arg", "");
    s.direction_value = d->value("value", "");
  }
  if (auto w = p.find("window"); w != p.end() && w->is_object()) {
    s.window = PagingWindow{w->value("since", ""), w->value("until", ""), w->value("maxSpanMs", std::int64_t{0}),
                            w->value("defaultSpanMs", std::int64_t{0})};
  }
  s.id_field = p.value("idField", "id");
  s.time_field = p.value("timeField", "");
  s.facets = strings_of(p, "facets");
  if (auto c = p.find("children"); c != p.end() && c->is_object()) {
    s.children = PagingChildren{c->value("field", ""), c->value("table", ""), c->value("parentKey", ""),
                                strings_of(*c, "facets")};
  }
  return s;
}

bool Manifest::destructive() const {
  auto it = annotations.find("destructiveHint");
  return it != annotations.end() && it->is_boolean() && it->get<bool>();
}

bool Manifest::read_only() const {
  auto it = annotations.find("readOnlyHint");
  return it != annotations.end() && it->is_boolean() && it->get<bool>();
}

bool Manifest::repeatable() const {
  auto it = annotations.find("idempotentHint");
  return read_only() || (it != annotations.end() && it->is_boolean() && it->get<bool>());
}

json with_fields_argument(json input) {
  input["properties"][kFieldsArgument] =
      json{{"type", "array"},
           {"items", {{"type", "string"}, {"minLength", 1}}},
           {"minItems", 1},
           {"description",
            "Only these fields of each item (e.g. [\"id\", \"createdAt\"]); omit for all. Keeps results small."}};
  return input;
}

std::string format_issue(const LintIssue& issue) {
  if (issue.pointer.empty()) return issue.file + ": " + issue.reason;
  return issue.file + ": " + issue.pointer + ": " + issue.reason;
}

std::string_view location_name(ParamLocation location) {
  switch (location) {
    case ParamLocation::kPath: return "path";
    case ParamLocation::kQuery: return "query";
    case ParamLocation::kBody: return "body";
    case ParamLocation::kForm: return "form";
  }
  return "query";
}

json publish_input_schema(const json& input) {
  json out = input;
  strip_private(out);
  return out;
}

std::vector<ParamSpec> extract_params(const json& input) {
  std::vector<ParamSpec> out;
  if (!input.is_object()) return out;
  auto props = input.find("properties");
  if (props == input.end() || !props->is_object()) return out;
  for (auto it = props->begin(); it != props->end(); ++it) {
    const json& p = it.value();
    ParamSpec spec;
    spec.name = it.key();
    spec.wire_name = spec.name;
    if (!p.is_object()) {
      out.push_back(std::move(spec));
      continue;
    }
    if (auto w = p.find("wireName"); w != p.end() && w->is_string()) spec.wire_name = w->get<std::string>();
    const std::string in = p.value("in", "query");
    if (in == "path") {
      spec.location = ParamLocation::kPath;
    } else if (in == "body") {
      spec.location = ParamLocation::kBody;
    } else if (in == "form") {
      spec.location = ParamLocation::kForm;
    } else {
      spec.location = ParamLocation::kQuery;
      spec.style = p.value("style", "repeat");
    }
    spec.epoch_ms = p.value("unit", "") == "epoch-ms";
    if (auto f = p.find("formFile"); spec.location == ParamLocation::kForm && f != p.end() && f->is_object()) {
      spec.form_file = FormFile{f->value("filename", ""), f->value("contentType", "")};
    }
    out.push_back(std::move(spec));
  }
  return out;
}

namespace {

// verifyEach names another tool: it must exist, read, and take the id argument.
void check_verify_tools(LoadResult& result) {
  std::map<std::string, const Manifest*> by_name;
  for (const auto& m : result.manifests) by_name[m.name] = &m;
  for (const auto& m : result.manifests) {
    if (!m.request.verify_each) continue;
    const VerifyEachSpec& v = *m.request.verify_each;
    auto it = by_name.find(v.tool);
    if (it == by_name.end() || !it->second->read_only()) {
      result.issues.push_back({m.file, "/request/verifyEach/tool", "'" + v.tool + "' is not a read-only tool"});
    } else if (!it->second->input_schema["properties"].contains(v.as)) {
      result.issues.push_back({m.file, "/request/verifyEach/as", "'" + v.tool + "' has no argument '" + v.as + "'"});
    }
    if (!m.input_schema["properties"].contains(v.arg)) {
      result.issues.push_back({m.file, "/request/verifyEach/arg", "'" + v.arg + "' is not an input property"});
    }
  }
}

}  // namespace

LoadResult load_manifests(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  LoadResult result;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    result.issues.push_back({dir.generic_string(), "", "not a directory"});
    return result;
  }

  std::vector<fs::path> files;  // relative to dir
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".json")
      files.push_back(it->path().lexically_relative(dir));
  }
  if (ec) result.issues.push_back({dir.generic_string(), "", "cannot list directory: " + ec.message()});
  std::sort(files.begin(), files.end());
  if (std::none_of(files.begin(), files.end(), [](const fs::path& f) { return f != fs::path(kSchemaFileName); })) {
    result.issues.push_back({dir.generic_string(), "", "no manifest files found"});
  }

  // Optional second opinion: the published manifest.schema.json, compiled with our validator.
  std::optional<schema::Validator> schema_file;
  const std::string schema_path = (dir / kSchemaFileName).generic_string();
  if (fs::exists(dir / kSchemaFileName, ec)) {
    std::string text, error;
    json doc;
    if (!read_file(dir / kSchemaFileName, text)) {
      result.issues.push_back({schema_path, "", "cannot read file"});
    } else if (!parse_json(text, doc, error)) {
      result.issues.push_back({schema_path, "", error});
    } else {
      std::vector<schema::SchemaError> errors;
      schema::Validator compiled = schema::Validator::compile(doc, errors);
      for (const auto& e : errors) {
        result.issues.push_back({schema_path, e.pointer, "not usable by the server's validator: " + e.message});
      }
      if (errors.empty()) schema_file = std::move(compiled);
    }
  }

  std::map<std::string, std::string> seen;  // tool name -> file
  for (const auto& rel : files) {
    if (rel == fs::path(kSchemaFileName)) continue;
    const std::string file = (dir / rel).generic_string();
    if (std::distance(rel.begin(), rel.end()) != 2) {
      result.issues.push_back({file, "", "manifest files must be at <toolset>/<tool_name>.json"});
      continue;
    }
    std::string text, error;
    json doc;
    if (!read_file(dir / rel, text)) {
      result.issues.push_back({file, "", "cannot read file"});
      continue;
    }
    if (!parse_json(text, doc, error)) {
      result.issues.push_back({file, "", error});
      continue;
    }
    auto issues = lint_manifest(doc, {file, rel.stem().string(), rel.parent_path().filename().string()});
    if (issues.empty() && schema_file) issues = lint_against_schema_file(doc, *schema_file, file);
    if (issues.empty()) {
      const std::string name = doc["name"].get<std::string>();
      if (auto [owner, inserted] = seen.emplace(name, file); !inserted) {
        issues.push_back({file, "/name", "duplicate tool name '" + name + "' (also in " + owner->second + ")"});
      }
    }
    if (issues.empty()) result.manifests.push_back(build_manifest(doc, file));
    result.issues.insert(result.issues.end(), issues.begin(), issues.end());
  }
  std::sort(result.manifests.begin(), result.manifests.end(),
            [](const Manifest& a, const Manifest& b) { return a.name < b.name; });
  check_verify_tools(result);
  check_unknown_id_families(result.manifests, result.issues);
  check_description_names(result.manifests, result.issues);
  return result;
}

}  // namespace fini::tools
