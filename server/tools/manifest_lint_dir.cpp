#include "tools/manifest_lint_dir.hpp"

#include <map>
#include <set>
#include <string>

#include "tools/text_scan.hpp"

namespace fini::tools {

using nlohmann::json;

namespace {

// Every property name declared anywhere below schema (properties, items, additionalProperties).
void collect_property_names(const json& schema, std::set<std::string>& out) {
  if (!schema.is_object()) return;
  if (auto it = schema.find("properties"); it != schema.end() && it->is_object()) {
    for (auto p = it->begin(); p != it->end(); ++p) {
      out.insert(p.key());
      collect_property_names(p.value(), out);
    }
  }
  if (auto it = schema.find("items"); it != schema.end()) collect_property_names(*it, out);
  if (auto it = schema.find("additionalProperties"); it != schema.end()) collect_property_names(*it, out);
}

// The argument whose wire name is `wire`, to suggest instead ("" = none).
std::string argument_for_wire_name(const std::vector<Manifest>& manifests, const std::string& wire) {
  for (const auto& m : manifests) {
    for (const auto& p : m.params) {
      if (p.wire_name == wire && p.name != wire) return p.name;
    }
  }
  return "";
}

void check_text(const std::vector<Manifest>& manifests, const std::set<std::string>& known, const Manifest& m,
                const std::string& pointer, const std::string& text, std::vector<LintIssue>& issues) {
  const std::vector<IdWord> words = id_like_words(without_wire_notes(text));
  std::set<std::string> shaped;
  for (const auto& w : words) {
    if (w.in_shape) shaped.insert(w.name);
  }
  std::set<std::string> reported;
  for (const auto& w : words) {
    if (w.in_shape || known.count(w.name) || shaped.count(w.name) || !reported.insert(w.name).second) continue;
    std::string reason = "names '" + w.name + "', which is no argument of any tool and no field of any schema";
    if (const std::string arg = argument_for_wire_name(manifests, w.name); !arg.empty()) {
      reason += ": it is Fini's wire name of the argument '" + arg + "'";
    }
    issues.push_back({m.file, pointer, reason + " (wire names go only in the \"(Fini: ...)\" note)"});
  }
}

std::string family_of(const std::string& path) {
  const auto at = path.find("{id}");
  return at == std::string::npos ? "" : path.substr(0, at);
}

}  // namespace

void check_description_names(const std::vector<Manifest>& manifests, std::vector<LintIssue>& issues) {
  std::set<std::string> known;
  for (const auto& m : manifests) {
    collect_property_names(m.input_schema, known);
    collect_property_names(m.output_schema, known);
  }
  for (const auto& m : manifests) {
    check_text(manifests, known, m, "/description", m.description, issues);
    const auto props = m.input_schema.find("properties");
    if (props == m.input_schema.end() || !props->is_object()) continue;
    for (auto p = props->begin(); p != props->end(); ++p) {
      if (!p->is_object() || !p->contains("description") || !(*p)["description"].is_string()) continue;
      check_text(manifests, known, m, "/input/properties/" + schema::escape_pointer_token(p.key()) + "/description",
                 (*p)["description"].get<std::string>(), issues);
    }
  }
}

void check_unknown_id_families(const std::vector<Manifest>& manifests, std::vector<LintIssue>& issues) {
  std::map<std::string, std::string> answers_500;  // family -> first tool declaring answers 500
  for (const auto& m : manifests) {
    const std::string family = family_of(m.request.path);
    if (!family.empty() && m.request.unknown_id && m.request.unknown_id->answers == "500") {
      answers_500.emplace(family, m.name);
    }
  }
  for (const auto& m : manifests) {
    auto it = answers_500.find(family_of(m.request.path));
    if (it == answers_500.end() || m.request.unknown_id) continue;
    issues.push_back({m.file, "/request/unknownId",
                      "is required: " + it->second + " declares that " + it->first +
                          "{id} routes answer 500 for an unknown id (answers \"success\" if this route does not check "
                          "the id)"});
  }
}

}  // namespace fini::tools
