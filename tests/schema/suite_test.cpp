// Runs the official JSON-Schema-Test-Suite (draft7, Debian package json-schema-test-suite)
// against fini::schema::Validator. Files for supported keywords must pass case by case, except
// the groups listed in kSkippedGroups (each with its reason) and tuple-form `items` groups.
// Files for unsupported keywords must be rejected by compile(), so no manifest can silently
// rely on a keyword the server ignores. A missing suite directory FAILS the tests.

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "schema/validator.hpp"

namespace fini::schema {
namespace {

using nlohmann::json;

const std::filesystem::path kSuiteDir = FINI_JSON_SCHEMA_SUITE_DIR;

// Draft7 files whose keywords the validator supports: every case must pass.
const std::vector<std::string> kSupportedFiles = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "boolean_schema",
    // Extras: annotations are ignored; numbers compare exactly where JSON allows it.
    "default",
    "optional/bignum",
    "optional/zeroTerminatedFloats",
};

// Groups in supported files that are skipped because their schema uses a keyword outside the
// subset. compile() must reject each one with `error` in its message (checked below).
struct Skip {
  std::string_view file;
  std::string_view group;
  std::string_view error;
  std::string_view reason;
};
const std::vector<Skip> kSkippedGroups = {
    {"properties", "properties, patternProperties, additionalProperties interaction",
     "unsupported keyword 'patternProperties'", "patternProperties is not in the subset"},
    {"additionalProperties", "additionalProperties being false does not allow other properties",
     "unsupported keyword 'patternProperties'", "patternProperties is not in the subset"},
    {"additionalProperties", "non-ASCII pattern with additionalProperties", "unsupported keyword 'patternProperties'",
     "patternProperties is not in the subset"},
};
constexpr std::string_view kTupleError = "the array (tuple) form of items is not supported";

// Draft7 files for keywords outside the subset: compile() must reject every group's schema.
const std::vector<std::string> kUnsupportedFiles = {
    "additionalItems",   "allOf",         "anyOf",         "contains",   "definitions", "dependencies",
    "if-then-else",      "maxProperties", "minProperties", "multipleOf", "not",         "oneOf",
    "patternProperties", "propertyNames", "ref",           "refRemote",
};
// Groups in those files whose schema does not actually use an unsupported keyword: they must
// compile and pass like any supported case.
const std::vector<Skip> kCompilingGroups = {
    {"ref", "property named $ref that is not a reference", "", "\"$ref\" is only a property name here"},
};

json load(const std::string& name) {
  const auto path = kSuiteDir / (name + ".json");
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot open " << path << " (is the json-schema-test-suite package installed?)";
    return json();
  }
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

bool is_tuple_items(const json& schema) {
  return schema.is_object() && schema.contains("items") && schema["items"].is_array();
}

const Skip* find_skip(const std::vector<Skip>& list, std::string_view file, std::string_view group) {
  for (const auto& s : list) {
    if (s.file == file && s.group == group) return &s;
  }
  return nullptr;
}

// Runs every test of one group; returns the number of cases checked.
int run_group(const json& group) {
  auto compiled = Validator::compile(group["schema"]);
  if (!compiled.ok()) {
    ADD_FAILURE() << "compile failed: " << compiled.status().message();
    return 0;
  }
  int cases = 0;
  for (const auto& t : group["tests"]) {
    const bool valid = t["valid"].get<bool>();
    EXPECT_EQ(compiled->accepts(t["data"]), valid)
        << "case: " << t["description"].get<std::string>() << "\n  data: " << t["data"].dump();
    // Invalid instances must say why.
    if (!valid) {
      for (const auto& e : compiled->validate(t["data"])) EXPECT_FALSE(e.message.empty());
    }
    ++cases;
  }
  return cases;
}

// gtest names allow [A-Za-z0-9_] only.
std::string test_name(const ::testing::TestParamInfo<std::string>& param_info) {
  std::string name = param_info.param;
  for (auto& c : name) {
    if (c == '/' || c == '-') c = '_';
  }
  return name;
}

TEST(SchemaSuite, DirectoryIsInstalled) {
  ASSERT_TRUE(std::filesystem::is_directory(kSuiteDir))
      << kSuiteDir << " is missing: install json-schema-test-suite (apt-get install json-schema-test-suite)";
}

class SupportedFile : public ::testing::TestWithParam<std::string> {};

TEST_P(SupportedFile, EveryCasePasses) {
  const std::string& file = GetParam();
  const json doc = load(file);
  ASSERT_TRUE(doc.is_array()) << file << ".json did not parse to an array of groups";
  int cases = 0;
  for (const auto& group : doc) {
    const std::string description = group["description"].get<std::string>();
    SCOPED_TRACE(file + ".json: " + description);
    const Skip* skip = find_skip(kSkippedGroups, file, description);
    if (skip != nullptr || is_tuple_items(group["schema"])) {
      // Skipped, but compile() must refuse it: never validate with a keyword silently ignored.
      auto compiled = Validator::compile(group["schema"]);
      ASSERT_FALSE(compiled.ok()) << "skipped group compiles now: remove it from the skip list";
      EXPECT_NE(compiled.status().message().find(skip != nullptr ? skip->error : kTupleError), std::string::npos)
          << compiled.status().message();
      continue;
    }
    cases += run_group(group);
  }
  EXPECT_GT(cases, 0) << "no case of " << file << ".json ran";
}

INSTANTIATE_TEST_SUITE_P(Draft7, SupportedFile, ::testing::ValuesIn(kSupportedFiles), test_name);

// Every skip-list entry names a group that exists (a stale entry would hide nothing but lie).
TEST(SchemaSuite, SkipListEntriesExist) {
  for (const auto* list : {&kSkippedGroups, &kCompilingGroups}) {
    for (const auto& skip : *list) {
      const json doc = load(std::string(skip.file));
      bool found = false;
      for (const auto& group : doc) found = found || group["description"] == skip.group;
      EXPECT_TRUE(found) << skip.file << ".json has no group \"" << skip.group << "\"";
    }
  }
}

class UnsupportedFile : public ::testing::TestWithParam<std::string> {};

TEST_P(UnsupportedFile, CompileRejectsEverySchema) {
  const std::string& file = GetParam();
  const json doc = load(file);
  ASSERT_TRUE(doc.is_array()) << file << ".json did not parse to an array of groups";
  int rejected = 0;
  for (const auto& group : doc) {
    const std::string description = group["description"].get<std::string>();
    SCOPED_TRACE(file + ".json: " + description);
    if (find_skip(kCompilingGroups, file, description) != nullptr) {
      EXPECT_GT(run_group(group), 0);
      continue;
    }
    auto compiled = Validator::compile(group["schema"]);
    ASSERT_FALSE(compiled.ok()) << "schema with an unsupported keyword compiled: " << group["schema"].dump();
    EXPECT_EQ(compiled.status().code(), Code::kInvalidArgument);
    const std::string& message = compiled.status().message();
    EXPECT_TRUE(message.find("unsupported keyword") != std::string::npos ||
                message.find(kTupleError) != std::string::npos)
        << message;
    ++rejected;
  }
  EXPECT_GT(rejected, 0);
}

INSTANTIATE_TEST_SUITE_P(Draft7, UnsupportedFile, ::testing::ValuesIn(kUnsupportedFiles), test_name);

}  // namespace
}  // namespace fini::schema
