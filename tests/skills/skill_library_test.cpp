// SkillLibrary over a small skills folder (tests/fixtures/skills): names and descriptions from
// the frontmatter, prompts with the task argument, resources for SKILL.md and references/.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "skills/skill_library.hpp"

namespace fini::skills {
namespace {

using nlohmann::json;
const std::filesystem::path kDir = std::filesystem::path(FINI_FIXTURES_DIR) / "skills";

std::vector<std::string> names_of(const std::vector<json>& items, const char* field) {
  std::vector<std::string> out;
  for (const auto& item : items) out.push_back(item.at(field).get<std::string>());
  return out;
}

TEST(SkillLibrary, LoadsValidSkillsSortedAndReportsTheBrokenOne) {
  std::vector<std::string> problems;
  const SkillLibrary lib = SkillLibrary::load(kDir, &problems);
  ASSERT_EQ(lib.skills().size(), 2u);
  EXPECT_EQ(lib.skills()[0].name, "alpha-skill");
  EXPECT_EQ(lib.skills()[0].description, "Answers: with a colon, quoted");
  EXPECT_EQ(lib.skills()[0].body, "# Alpha\n\nDo the alpha thing.\n");
  EXPECT_EQ(lib.skills()[1].name, "beta");
  EXPECT_EQ(lib.skills()[1].description, "Single quoted");  // CRLF and trailing blanks trimmed
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("broken"), std::string::npos);
  EXPECT_NE(problems[0].find("needs both name and description"), std::string::npos);
}

TEST(SkillLibrary, MissingFolderGivesAnEmptyLibrary) {
  EXPECT_TRUE(SkillLibrary::load(kDir / "absent").skills().empty());
}

TEST(SkillLibrary, ParseSkillRefusesMissingOrUnclosedFrontmatter) {
  EXPECT_EQ(parse_skill("# no frontmatter\n").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(parse_skill("---\nname: x\ndescription: y\n").status().code(), Code::kInvalidArgument);
  auto ok = parse_skill("---\nname: x\ndescription: y\n---\nbody\n");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->body, "body\n");
}

TEST(SkillLibrary, EverySkillIsAPromptTakingATask) {
  const SkillLibrary lib = SkillLibrary::load(kDir);
  const auto prompts = lib.list_prompts();
  EXPECT_EQ(names_of(prompts, "name"), (std::vector<std::string>{"alpha-skill", "beta"}));
  EXPECT_EQ(prompts[0]["arguments"][0]["name"], "task");
  EXPECT_EQ(prompts[0]["arguments"][0]["required"], true);

  auto prompt = lib.get_prompt("alpha-skill", json{{"task", "tidy the tags"}});
  ASSERT_TRUE(prompt.ok()) << prompt.status().message();
  const std::string text = (*prompt)["messages"][0]["content"]["text"];
  EXPECT_EQ((*prompt)["messages"][0]["role"], "user");
  EXPECT_NE(text.find("tidy the tags"), std::string::npos);
  EXPECT_NE(text.find("Do the alpha thing."), std::string::npos);
  EXPECT_NE(text.find("skill://alpha-skill/references/api.md"), std::string::npos);

  EXPECT_EQ(lib.get_prompt("alpha-skill", json::object()).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(lib.get_prompt("alpha-skill", json{{"task", ""}}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(lib.get_prompt("nope", json{{"task", "x"}}).status().code(), Code::kNotFound);
}

TEST(SkillLibrary, SkillFilesAndReferencesAreResources) {
  const SkillLibrary lib = SkillLibrary::load(kDir);
  EXPECT_EQ(names_of(lib.list_resources(), "uri"),
            (std::vector<std::string>{"skill://alpha-skill/SKILL.md", "skill://alpha-skill/references/api.md",
                                      "skill://alpha-skill/references/notes.md", "skill://beta/SKILL.md"}));
  auto notes = lib.read_resource("skill://alpha-skill/references/notes.md");
  ASSERT_TRUE(notes.ok());
  EXPECT_EQ((*notes)["contents"][0]["text"], "# Notes\nalpha notes\n");
  auto skill = lib.read_resource("skill://beta/SKILL.md");
  ASSERT_TRUE(skill.ok());
  EXPECT_EQ((*skill)["contents"][0]["mimeType"], "text/markdown");
  EXPECT_EQ(lib.read_resource("skill://alpha-skill/../beta/SKILL.md").status().code(), Code::kNotFound);
  EXPECT_EQ(lib.read_resource("skill://broken/SKILL.md").status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace fini::skills
