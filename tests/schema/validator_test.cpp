// Messages, pointers, ordering and compile-time rejections of fini::schema::Validator.

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "schema/validator.hpp"

namespace fini::schema {
namespace {

using nlohmann::json;

Validator make(const json& schema) {
  auto v = Validator::compile(schema);
  if (!v.ok()) throw std::runtime_error(v.status().message());
  return std::move(v).value();
}

// All errors as "pointer: message" lines, in the validator's order.
std::vector<std::string> errors(const json& schema, const json& instance) {
  std::vector<std::string> out;
  for (const auto& e : make(schema).validate(instance)) out.push_back(describe(e));
  return out;
}

using Lines = std::vector<std::string>;

TEST(ValidatorMessages, TypeMismatch) {
  EXPECT_EQ(errors({{"type", "integer"}}, "x"), Lines{"expected integer, got string"});
  EXPECT_EQ(errors({{"type", "integer"}}, 1.5), Lines{"expected integer, got number"});
  EXPECT_EQ(errors({{"type", "number"}}, true), Lines{"expected number, got boolean"});
  EXPECT_EQ(errors({{"type", json::array({"string", "null"})}}, 3), Lines{"expected string or null, got integer"});
  EXPECT_EQ(errors({{"type", json::array({"string", "integer", "null"})}}, json::object()),
            Lines{"expected string, integer or null, got object"});
}

TEST(ValidatorMessages, IntegerAcceptsIntegralFloatsOnly) {
  auto v = make({{"type", "integer"}});
  EXPECT_TRUE(v.accepts(1));
  EXPECT_TRUE(v.accepts(1.0));
  EXPECT_TRUE(v.accepts(json::parse("18446744073709551615")));
  EXPECT_FALSE(v.accepts(1.5));
  EXPECT_FALSE(v.accepts(false));
  EXPECT_FALSE(make({{"type", "number"}}).accepts(true));
}

TEST(ValidatorMessages, RequiredAndAdditional) {
  const json schema = json::parse(R"({"type":"object","properties":{"a":{},"b":{}},
      "required":["content","a"],"additionalProperties":false})");
  EXPECT_EQ(errors(schema, json::parse(R"({"foo":1,"zoo":2})")),
            (Lines{"missing required property 'content'", "missing required property 'a'",
                   "unexpected property 'foo' (allowed: a, b)", "unexpected property 'zoo' (allowed: a, b)"}));
  EXPECT_EQ(errors({{"additionalProperties", false}}, {{"x", 1}}),
            Lines{"unexpected property 'x' (no properties are allowed)"});
  EXPECT_EQ(errors({{"additionalProperties", {{"type", "boolean"}}}}, {{"x", 1}}),
            Lines{"/x: expected boolean, got integer"});
}

TEST(ValidatorMessages, EnumAndConst) {
  EXPECT_EQ(errors({{"enum", {"next", "previous"}}}, "up"), Lines{R"(must be one of: "next", "previous")"});
  EXPECT_EQ(errors({{"enum", {1, nullptr}}}, 2), Lines{"must be one of: 1, null"});
  EXPECT_TRUE(make({{"enum", {1, 2}}}).accepts(2.0));
  EXPECT_FALSE(make({{"enum", {0}}}).accepts(false));
  EXPECT_EQ(errors({{"const", "x"}}, "y"), Lines{R"(must be equal to "x")"});
  EXPECT_TRUE(make({{"const", json::parse(R"({"a":[1]})")}}).accepts(json::parse(R"({"a":[1.0]})")));
}

TEST(ValidatorMessages, NumericBounds) {
  const json schema = {{"properties", {{"limit", {{"minimum", 1}, {"maximum", 100}}}}}};
  EXPECT_EQ(errors(schema, {{"limit", 500}}), Lines{"/limit: must be <= 100 (got 500)"});
  EXPECT_EQ(errors(schema, {{"limit", 0}}), Lines{"/limit: must be >= 1 (got 0)"});
  EXPECT_EQ(errors({{"exclusiveMinimum", 0}}, 0), Lines{"must be > 0 (got 0)"});
  EXPECT_EQ(errors({{"exclusiveMaximum", 2.5}}, 2.5), Lines{"must be < 2.5 (got 2.5)"});
  // Exact integer comparison beyond double precision.
  EXPECT_FALSE(make({{"maximum", json::parse("9007199254740992")}}).accepts(json::parse("9007199254740993")));
  EXPECT_TRUE(make({{"minimum", -1}}).accepts(json::parse("18446744073709551615")));
}

TEST(ValidatorMessages, StringLengthCountsCodePoints) {
  EXPECT_EQ(errors({{"minLength", 1}}, ""), Lines{"must be at least 1 character long"});
  EXPECT_EQ(errors({{"minLength", 3}}, "ab"), Lines{"must be at least 3 characters long"});
  EXPECT_EQ(errors({{"maxLength", 2}}, "abc"), Lines{"must be at most 2 characters long"});
  // "héé" is 5 bytes but 3 code points; U+1F600 is 4 bytes, 1 code point.
  EXPECT_TRUE(make({{"maxLength", 3}}).accepts("h\xc3\xa9\xc3\xa9"));
  EXPECT_TRUE(make({{"maxLength", 1}}).accepts("\xf0\x9f\x98\x80"));
  EXPECT_EQ(code_points("h\xc3\xa9\xf0\x9f\x98\x80"), 3U);
}

TEST(ValidatorMessages, Pattern) {
  EXPECT_EQ(errors({{"pattern", "^[a-z]+$"}}, "ABC"), Lines{"must match pattern ^[a-z]+$"});
  EXPECT_TRUE(make({{"pattern", "b"}}).accepts("abc"));  // unanchored search
  EXPECT_TRUE(make({{"pattern", "^x"}}).accepts(1));     // applies to strings only
  const std::string huge(kMaxPatternSubjectBytes + 1, 'a');
  EXPECT_EQ(errors({{"pattern", "^a+$"}}, huge), Lines{"must match pattern ^a+$"});
  EXPECT_TRUE(make({{"pattern", "^a+$"}}).accepts(std::string(kMaxPatternSubjectBytes, 'a')));
}

TEST(ValidatorMessages, ArraysAndPointers) {
  const json schema = json::parse(R"({"properties":{"tags":{"type":"array","items":{"type":"string","minLength":1},
      "minItems":1,"maxItems":3,"uniqueItems":true}}})");
  EXPECT_EQ(errors(schema, {{"tags", json::array()}}), Lines{"/tags: must have at least 1 item (got 0)"});
  EXPECT_EQ(errors(schema, {{"tags", {"a", "b", "c", "d"}}}), Lines{"/tags: must have at most 3 items (got 4)"});
  EXPECT_EQ(errors(schema, {{"tags", {"a", 7, ""}}}),
            (Lines{"/tags/1: expected string, got integer", "/tags/2: must be at least 1 character long"}));
  EXPECT_EQ(errors(schema, {{"tags", {"a", "b", "a"}}}),
            Lines{"/tags: must not contain duplicates (item 2 equals item 0)"});
  EXPECT_EQ(errors({{"uniqueItems", true}}, {1, 1.0}), Lines{"must not contain duplicates (item 1 equals item 0)"});
  EXPECT_TRUE(make({{"uniqueItems", true}}).accepts({1, true}));
}

TEST(ValidatorMessages, PointerEscaping) {
  const json schema = {{"properties", {{"a/b", {{"type", "string"}}}, {"m~n", {{"type", "string"}}}}}};
  EXPECT_EQ(errors(schema, {{"a/b", 1}, {"m~n", 2}}),
            (Lines{"/a~1b: expected string, got integer", "/m~0n: expected string, got integer"}));
  EXPECT_EQ(escape_pointer_token("~/"), "~0~1");
}

TEST(ValidatorMessages, BooleanSchemas) {
  EXPECT_TRUE(make(true).accepts(json::parse(R"({"anything":[1]})")));
  EXPECT_EQ(errors(false, 1), Lines{"no value is allowed here"});
  EXPECT_EQ(errors({{"properties", {{"bar", false}}}}, {{"bar", 1}}), Lines{"/bar: no value is allowed here"});
}

TEST(ValidatorMessages, CollectsAllErrorsInDeterministicOrder) {
  const json schema = json::parse(R"({"type":"object","required":["id"],"additionalProperties":false,
      "properties":{"limit":{"type":"integer","maximum":100},"cursor":{"type":"string","minLength":1},
      "direction":{"enum":["next","previous"]}}})");
  const json args = json::parse(R"({"limit":500,"cursor":"","direction":"up","foo":true})");
  const Lines expected = {"missing required property 'id'", "/cursor: must be at least 1 character long",
                          R"(/direction: must be one of: "next", "previous")",
                          "unexpected property 'foo' (allowed: cursor, direction, limit)",
                          "/limit: must be <= 100 (got 500)"};
  EXPECT_EQ(errors(schema, args), expected);
  EXPECT_EQ(errors(schema, args), expected);  // same again: no hidden state
}

TEST(ValidatorMessages, TypeFailureSkipsOtherKeywords) {
  EXPECT_EQ(errors({{"type", "string"}, {"enum", {"a"}}, {"minLength", 3}}, 5), Lines{"expected string, got integer"});
}

TEST(ValidatorCompile, CountsAcceptIntegralFloatsAndHugeValues) {
  EXPECT_TRUE(make({{"maxLength", 2.0}}).accepts("ab"));
  EXPECT_FALSE(make({{"maxLength", 2.0}}).accepts("abc"));
  EXPECT_TRUE(make({{"maxItems", 1e300}}).accepts({1, 2, 3}));
  EXPECT_FALSE(make({{"minItems", 1e300}}).accepts({1, 2, 3}));
  EXPECT_FALSE(Validator::compile({{"minItems", 1.5}}).ok());
}

TEST(ValidatorCompile, AnnotationsAreIgnored) {
  const json schema = json::parse(R"({"title":"t","description":"d","default":3,"examples":[1],"format":"uuid",
      "$schema":"https://json-schema.org/draft/2020-12/schema","$id":"x","$comment":"c","readOnly":true,
      "writeOnly":false,"deprecated":false,"type":"string"})");
  auto v = Validator::compile(schema);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_TRUE(v->accepts("not-a-uuid"));  // format is an annotation only
}

std::string compile_error(const json& schema) {
  auto v = Validator::compile(schema);
  return v.ok() ? std::string("<compiled>") : v.status().message();
}

TEST(ValidatorCompile, RejectsUnsupportedAndMalformed) {
  EXPECT_EQ(compile_error({{"properties", {{"a", {{"anyOf", json::array()}}}}}}),
            "invalid schema at /properties/a/anyOf: unsupported keyword 'anyOf'");
  EXPECT_EQ(compile_error({{"$ref", "#/x"}}), "invalid schema at /$ref: unsupported keyword '$ref'");
  EXPECT_EQ(compile_error({{"items", {json::object()}}}),
            "invalid schema at /items: the array (tuple) form of items is not supported; use a single schema");
  EXPECT_EQ(compile_error({{"minimum", "1"}}), "invalid schema at /minimum: must be a number");
  EXPECT_EQ(compile_error({{"exclusiveMinimum", true}}),
            "invalid schema at /exclusiveMinimum: must be a number (the draft-4 boolean form is not supported)");
  EXPECT_EQ(compile_error({{"maxLength", -1}}), "invalid schema at /maxLength: must be a non-negative integer");
  EXPECT_EQ(compile_error({{"type", "text"}}),
            "invalid schema at /type: unknown type \"text\" (expected null, boolean, object, array, number, "
            "string or integer)");
  EXPECT_EQ(compile_error({{"type", {"string", "string"}}}), "invalid schema at /type/1: duplicate type \"string\"");
  EXPECT_EQ(compile_error({{"required", {"a", 1}}}), "invalid schema at /required/1: must be a string");
  EXPECT_EQ(compile_error({{"enum", json::array()}}), "invalid schema at /enum: must be a non-empty array");
  EXPECT_EQ(compile_error(3), "invalid schema at (root): a schema must be an object or a boolean, got integer");
  EXPECT_EQ(compile_error({{"properties", {{"a/b", {{"uniqueItems", 1}}}}}}),
            "invalid schema at /properties/a~1b/uniqueItems: must be a boolean");
  // All problems, in schema key order.
  EXPECT_EQ(compile_error({{"not", true}, {"allOf", json::array()}}),
            "invalid schema at /allOf: unsupported keyword 'allOf'; invalid schema at /not: unsupported keyword 'not'");
}

TEST(ValidatorCompile, RejectsPatternsStdRegexCannotCompile) {
  const std::string message = compile_error({{"pattern", "(unclosed"}});
  EXPECT_EQ(message.rfind("invalid schema at /pattern: not a valid ECMAScript regular expression for std::regex (", 0),
            0U)
      << message;
  EXPECT_NE(compile_error({{"pattern", "(?<=a)b"}}), "<compiled>");  // lookbehind: not ECMAScript in std::regex
}

TEST(ValidatorCompile, CheckReturnsStructuredErrors) {
  const auto errs = Validator::check(json::parse(R"({"properties":{"x":{"oneOf":[]}},"items":[true]})"));
  ASSERT_EQ(errs.size(), 2U);
  EXPECT_EQ(errs[0].pointer, "/items");
  EXPECT_EQ(errs[1].pointer, "/properties/x/oneOf");
  EXPECT_EQ(errs[1].message, "unsupported keyword 'oneOf'");
  EXPECT_TRUE(Validator::check(json::parse(R"({"type":"object"})")).empty());
}

TEST(ValidatorConcurrency, ConstValidateFromManyThreads) {
  const auto v =
      make(json::parse(R"({"properties":{"id":{"type":"string","pattern":"^[a-z0-9-]+$"}},"required":["id"]})"));
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (std::size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        if (!v.accepts({{"id", "abc-" + std::to_string(i)}}) || v.accepts({{"id", "A B"}})) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace fini::schema
