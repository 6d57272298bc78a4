#include "cli/tool_catalog.hpp"

#include <algorithm>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "cli/paths.hpp"
#include "cli/server_core.hpp"
#include "tools/manifest.hpp"

namespace fini::cli {

using nlohmann::json;

namespace {

constexpr const char* kLocalToolset = "export (local files)";

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

struct Catalog {
  std::vector<json> definitions;               // as tools/list would serve them
  std::map<std::string, std::string> toolset;  // name → toolset
};

// The served tools (surface options applied) and each one's toolset from its manifest.
Result<Catalog> load_catalog(const ServeOptions& serve) {
  auto core = build_server_core(serve);
  if (!core.ok()) return core.status();
  Catalog catalog;
  catalog.definitions = (*core)->tools->list_tools();
  std::filesystem::path dir = serve.manifests_dir;
  if (dir.empty()) dir = find_data_dir("manifests").value_or(std::filesystem::path());
  for (const auto& m : tools::load_manifests(dir).manifests) catalog.toolset[m.name] = m.toolset;
  return catalog;
}

std::string toolset_of(const Catalog& catalog, const std::string& name) {
  auto it = catalog.toolset.find(name);
  return it == catalog.toolset.end() ? kLocalToolset : it->second;
}

bool hint(const json& definition, const char* name) {
  return definition.value("annotations", json::object()).value(name, false);
}

std::string type_text(const json& schema) {
  if (schema.contains("enum")) {
    std::string out = "one of";
    for (const auto& v : schema["enum"]) out += " " + (v.is_string() ? v.get<std::string>() : v.dump());
    return out;
  }
  std::string type = schema.contains("type")
                         ? (schema["type"].is_string() ? schema["type"].get<std::string>() : schema["type"].dump())
                         : "any";
  if (type == "array" && schema.contains("items")) type += " of " + type_text(schema["items"]);
  return type;
}

}  // namespace

std::string did_you_mean(const std::string& name, const std::vector<std::string>& known) {
  std::vector<std::pair<std::size_t, std::string>> close;
  const std::size_t limit = std::max<std::size_t>(2, name.size() / 3);
  for (const auto& k : known) {
    const std::size_t d = edit_distance(name, k);
    const bool contains = name.size() >= 4 && k.find(name) != std::string::npos;
    if (d <= limit || contains) close.emplace_back(contains ? std::min(d, limit) : d, k);
  }
  if (close.empty()) return "";
  std::sort(close.begin(), close.end());
  std::string out = " (did you mean ";
  // The nearest only (ties included): list_conversation → list_conversations, not every *_conversation.
  for (std::size_t i = 0; i < close.size() && i < 3 && close[i].first == close[0].first; ++i) {
    out += (i ? " or " : "") + close[i].second;
  }
  return out + "?)";
}

int run_tools_command(const ServeOptions& serve, const ToolsCommandOptions& options) {
  auto catalog = load_catalog(serve);
  if (!catalog.ok()) {
    std::cerr << "fini-mcp tools: " << catalog.status().message() << "\n";
    return exit_code_for(catalog.status());
  }
  std::map<std::string, std::vector<const json*>> groups;
  for (const auto& d : catalog->definitions) groups[toolset_of(*catalog, d.value("name", ""))].push_back(&d);
  if (options.json) {
    json out = json::array();
    for (const auto& [toolset, defs] : groups) {
      for (const json* d : defs) {
        out.push_back({{"name", d->value("name", "")},
                       {"title", d->value("title", "")},
                       {"toolset", toolset},
                       {"readOnly", hint(*d, "readOnlyHint")},
                       {"destructive", hint(*d, "destructiveHint")}});
      }
    }
    std::cout << out.dump(2) << std::endl;
    return 0;
  }
  for (const auto& [toolset, defs] : groups) {
    std::cout << toolset << "\n";
    for (const json* d : defs) {
      std::string name = d->value("name", "");
      name.resize(std::max<std::size_t>(name.size(), 30), ' ');
      std::cout << "  " << name << " " << d->value("title", "") << (hint(*d, "destructiveHint") ? " (asks first)" : "")
                << "\n";
    }
  }
  std::cout << "\n" << catalog->definitions.size() << " tools. `fini-mcp call TOOL --help` shows a tool's arguments.\n";
  return 0;
}

int run_tool_help(const ServeOptions& serve, const std::string& tool) {
  auto catalog = load_catalog(serve);
  if (!catalog.ok()) {
    std::cerr << "fini-mcp call: " << catalog.status().message() << "\n";
    return exit_code_for(catalog.status());
  }
  std::vector<std::string> names;
  const json* found = nullptr;
  for (const auto& d : catalog->definitions) {
    names.push_back(d.value("name", ""));
    if (names.back() == tool) found = &d;
  }
  if (found == nullptr) {
    std::cerr << "fini-mcp call: Unknown tool: " << tool << did_you_mean(tool, names)
              << "; `fini-mcp tools` lists them\n";
    return 2;
  }
  std::cout << "fini-mcp call " << tool << " [--arg name=value]...  (" << toolset_of(*catalog, tool) << ")\n"
            << found->value("title", "") << ". " << found->value("description", "") << "\n";
  if (hint(*found, "destructiveHint")) {
    std::cout << "\nDestructive: on a terminal it asks first; --yes runs it without asking (required in scripts).\n";
  }
  const json schema = found->value("inputSchema", json::object());
  const json required = schema.value("required", json::array());
  std::cout << "\nArguments (--arg name=value; the value is JSON when it parses as JSON, else a string):\n";
  const json properties = schema.value("properties", json::object());
  for (const auto& [name, prop] : properties.items()) {
    const bool req = std::find(required.begin(), required.end(), name) != required.end();
    std::cout << "  " << name << "  " << type_text(prop) << (req ? ", required" : "");
    if (prop.contains("default")) std::cout << ", default " << prop["default"].dump();
    if (prop.contains("description") && prop["description"].is_string())
      std::cout << "\n      " << prop["description"].get<std::string>();
    std::cout << "\n";
  }
  return 0;
}

}  // namespace fini::cli
