#include "skills/skill_library.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace fini::skills {

using nlohmann::json;

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A frontmatter key or value: trimmed, and one pair of matching quotes removed.
std::string frontmatter_text(std::string_view raw) {
  std::string s(trim(raw, " \t\r"));
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) s = s.substr(1, s.size() - 2);
  return s;
}

const char* kUriPrefix = "skill://";

}  // namespace

Result<Skill> parse_skill(const std::string& text) {
  if (text.rfind("---", 0) != 0) return invalid_argument("SKILL.md must start with a '---' frontmatter block");
  auto end = text.find("\n---", 3);
  if (end == std::string::npos) return invalid_argument("SKILL.md frontmatter is not closed with '---'");
  Skill skill;
  std::istringstream fm(text.substr(3, end - 3));
  for (std::string line; std::getline(fm, line);) {
    if (line.empty() || line[0] == ' ' || line[0] == '\t') continue;  // nested (metadata) lines
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = frontmatter_text(line.substr(0, colon));
    std::string value = frontmatter_text(line.substr(colon + 1));
    if (key == "name") skill.name = value;
    if (key == "description") skill.description = value;
  }
  if (skill.name.empty() || skill.description.empty()) {
    return invalid_argument("SKILL.md frontmatter needs both name and description");
  }
  auto body_start = text.find('\n', end + 4);
  skill.body = body_start == std::string::npos ? "" : text.substr(body_start + 1);
  skill.text = text;
  return skill;
}

SkillLibrary SkillLibrary::load(const std::filesystem::path& dir, std::vector<std::string>* problems) {
  SkillLibrary lib;
  std::error_code ec;
  std::vector<std::filesystem::path> folders;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "SKILL.md")) folders.push_back(entry.path());
  }
  std::sort(folders.begin(), folders.end());
  for (const auto& folder : folders) {
    auto skill = parse_skill(read_file(folder / "SKILL.md"));
    if (!skill.ok()) {
      if (problems) problems->push_back((folder / "SKILL.md").string() + ": " + skill.status().message());
      continue;
    }
    std::vector<std::filesystem::path> refs;
    for (const auto& entry : std::filesystem::directory_iterator(folder / "references", ec)) {
      if (entry.is_regular_file()) refs.push_back(entry.path());
    }
    std::sort(refs.begin(), refs.end());
    for (const auto& ref : refs)
      skill->references.emplace_back("references/" + ref.filename().string(), read_file(ref));
    lib.skills_.push_back(std::move(*skill));
  }
  return lib;
}

std::vector<json> SkillLibrary::list_prompts() const {
  std::vector<json> out;
  for (const auto& s : skills_) {
    out.push_back(json{{"name", s.name},
                       {"description", s.description},
                       {"arguments", json::array({json{{"name", "task"},
                                                       {"description", "What you want done, in your own words"},
                                                       {"required", true}}})}});
  }
  return out;
}

Result<json> SkillLibrary::get_prompt(const std::string& name, const json& arguments) const {
  auto it = std::find_if(skills_.begin(), skills_.end(), [&](const Skill& s) { return s.name == name; });
  if (it == skills_.end()) return Status(Code::kNotFound, "Unknown prompt: " + name);
  auto task = arguments.find("task");
  if (task == arguments.end() || !task->is_string() || task->get<std::string>().empty()) {
    return invalid_argument("Missing required argument 'task' for prompt " + name);
  }
  std::string text = "Use the Fini skill \"" + it->name + "\" below to do this task:\n\n" + task->get<std::string>() +
                     "\n\n---\n\n" + it->body;
  if (!it->references.empty()) {
    text += "\n\nReference files (read with resources/read): ";
    for (const auto& [path, content] : it->references) text += std::string(kUriPrefix) + it->name + "/" + path + " ";
  }
  return json{{"description", it->description},
              {"messages", json::array({json{{"role", "user"}, {"content", {{"type", "text"}, {"text", text}}}}})}};
}

std::vector<json> SkillLibrary::list_resources() const {
  std::vector<json> out;
  for (const auto& s : skills_) {
    out.push_back(json{{"uri", std::string(kUriPrefix) + s.name + "/SKILL.md"},
                       {"name", s.name},
                       {"description", s.description},
                       {"mimeType", "text/markdown"},
                       {"size", s.text.size()}});
    for (const auto& [path, content] : s.references) {
      out.push_back(json{{"uri", std::string(kUriPrefix) + s.name + "/" + path},
                         {"name", s.name + "/" + path},
                         {"mimeType", "text/markdown"},
                         {"size", content.size()}});
    }
  }
  return out;
}

std::vector<json> SkillLibrary::list_resource_templates() const {
  return {json{{"uriTemplate", std::string(kUriPrefix) + "{skill}/SKILL.md"},
               {"name", "skill"},
               {"description", "The SKILL.md of a Fini skill (see prompts/list for the names)"},
               {"mimeType", "text/markdown"}}};
}

Result<json> SkillLibrary::read_resource(const std::string& uri) const {
  for (const auto& s : skills_) {
    const std::string base = std::string(kUriPrefix) + s.name + "/";
    if (uri.rfind(base, 0) != 0) continue;
    const std::string rest = uri.substr(base.size());
    const std::string* content = rest == "SKILL.md" ? &s.text : nullptr;
    for (const auto& [path, text] : s.references) {
      if (path == rest) content = &text;
    }
    if (content != nullptr) {
      return json{{"contents", json::array({json{{"uri", uri}, {"mimeType", "text/markdown"}, {"text", *content}}})}};
    }
  }
  return Status(Code::kNotFound, "Resource not found: " + uri);
}

}  // namespace fini::skills
