// Validator::deferred and compile(schema, errors): the same answers as an eager compile, the same
// problems as check(), compiled once when first used from many threads at once.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "schema/validator.hpp"

namespace fini::schema {
namespace {

using nlohmann::json;

const json kSchema = json::parse(R"({"type":"object","required":["id"],"additionalProperties":false,
  "properties":{"id":{"type":"string","pattern":"^[a-z0-9_]+$"},"n":{"type":"integer","maximum":3},
  "tags":{"type":"array","items":{"type":"string"}}}})");

std::vector<std::string> described(const std::vector<ValidationError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(describe(e));
  return out;
}

TEST(DeferredValidator, AnswersLikeAnEagerCompile) {
  const Validator eager = Validator::compile(kSchema).value();
  const Validator lazy = Validator::deferred(kSchema);
  for (const char* text :
       {R"({"id":"a_1"})", R"({"id":"A-1","n":4,"x":1})", R"({"n":"2"})", R"([])", R"({"id":"b","tags":"x, y"})"}) {
    const json instance = json::parse(text);
    EXPECT_EQ(described(lazy.validate(instance)), described(eager.validate(instance))) << text;
    std::vector<Coercion> a, b;
    EXPECT_EQ(lazy.coerce(instance, a), eager.coerce(instance, b)) << text;
    EXPECT_EQ(a.size(), b.size()) << text;
  }
}

TEST(DeferredValidator, ConcurrentFirstUsesCompileOnce) {
  const Validator lazy = Validator::deferred(kSchema);
  std::vector<int> accepted(8, -1);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < accepted.size(); ++i) {
    threads.emplace_back([&, i] { accepted[i] = lazy.accepts(json{{"id", "ok"}, {"n", static_cast<int>(i % 4)}}); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted, std::vector<int>({1, 1, 1, 1, 1, 1, 1, 1}));
}

TEST(DeferredValidator, ASchemaThatDoesNotCompileAcceptsNothing) {
  const Validator lazy = Validator::deferred(json{{"type", "strnig"}});
  EXPECT_FALSE(lazy.accepts("x"));
}

TEST(CompileWithErrors, ReportsWhatCheckReports) {
  const json bad = json::parse(R"({"type":"object","properties":{"a":{"minLength":-1},"b":{"pattern":"(["}}})");
  std::vector<SchemaError> errors;
  (void)Validator::compile(bad, errors);
  const auto expected = Validator::check(bad);
  ASSERT_EQ(errors.size(), expected.size());
  for (std::size_t i = 0; i < errors.size(); ++i) {
    EXPECT_EQ(errors[i].pointer, expected[i].pointer);
    EXPECT_EQ(errors[i].message, expected[i].message);
  }
  EXPECT_EQ(errors.size(), 2U);
  std::vector<SchemaError> none;
  EXPECT_TRUE(Validator::compile(kSchema, none).accepts(json{{"id", "x"}}));
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace fini::schema
