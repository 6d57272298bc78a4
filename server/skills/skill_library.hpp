#pragma once
// The skill pack served over MCP: every skills/<name>/SKILL.md becomes a prompt (with one
// required argument, `task`) and a resource (skill://<name>/SKILL.md, plus its references/),
// so clients without Agent Skills support still get the workflows. Loaded once at start-up;
// immutable afterwards, so it is thread-safe. load() never throws.

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "mcp/providers.hpp"

namespace fini::skills {

struct Skill {
  std::string name;
  std::string description;
  std::string body;                                             // the Markdown after the frontmatter
  std::string text;                                             // the whole SKILL.md
  std::vector<std::pair<std::string, std::string>> references;  // relative path → content
};

// Parses "---\nkey: value\n…\n---\nbody". kInvalidArgument when the frontmatter is missing or
// has no name/description.
Result<Skill> parse_skill(const std::string& text);

class SkillLibrary final : public mcp::PromptProvider, public mcp::ResourceProvider {
 public:
  // Skills that fail to parse are skipped and reported in `problems`.
  static SkillLibrary load(const std::filesystem::path& dir, std::vector<std::string>* problems = nullptr);

  const std::vector<Skill>& skills() const { return skills_; }

  std::vector<nlohmann::json> list_prompts() const override;
  Result<nlohmann::json> get_prompt(const std::string& name, const nlohmann::json& arguments) const override;
  std::vector<nlohmann::json> list_resources() const override;
  std::vector<nlohmann::json> list_resource_templates() const override;
  Result<nlohmann::json> read_resource(const std::string& uri) const override;

 private:
  std::vector<Skill> skills_;
};

}  // namespace fini::skills
