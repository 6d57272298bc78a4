#pragma once
// Test harness for the sandbox: a fresh in-process Sandbox per test (frozen clock pinned to a fixed
// instant, so seeds and job stages are deterministic) and small request helpers.

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/sandbox.hpp"

namespace fini::sim::testing {

using json = nlohmann::json;

inline constexpr const char* kAcmeRead = "fini_sandbox_acme_read_5f0c2a91d3";
inline constexpr const char* kAcmeWrite = "fini_sandbox_acme_write_8b1e44c07a";
inline constexpr const char* kAcmeRw = "fini_sandbox_acme_rw_1d9a7e3c52";
inline constexpr const char* kAcmeRevoked = "fini_sandbox_acme_revoked_77aa01";
inline constexpr const char* kGlobexRead = "fini_sandbox_globex_read_3c7d9e1f20";
inline constexpr const char* kGlobexRw = "fini_sandbox_globex_rw_9e2b6d4a81";

// Seed ids from sim/fixtures/acme.json and globex.json.
inline constexpr const char* kSupportBot = "ac0a0000-0000-4000-8000-000000000001";
inline constexpr const char* kBillingBot = "ac0a0000-0000-4000-8000-000000000002";
inline constexpr const char* kGlobexBot = "6b0a0000-0000-4000-8000-000000000001";
inline constexpr const char* kShippingFolder = "ac0f0000-0000-4000-8000-000000000002";
inline constexpr const char* kOrdersFolder = "ac0f0000-0000-4000-8000-000000000001";
inline constexpr const char* kBillingFolder = "ac0f0000-0000-4000-8000-000000000004";
inline constexpr const char* kGlobexFolder = "6b0f0000-0000-4000-8000-000000000001";
inline constexpr const char* kTrackArticle = "ac0b0000-0000-4000-8000-000000000001";
inline constexpr const char* kReturnArticle = "ac0b0000-0000-4000-8000-000000000003";
inline constexpr const char* kReturnDraft = "ac0b0000-0000-4000-8000-000000000020";
inline constexpr const char* kGiftDraft = "ac0b0000-0000-4000-8000-000000000021";
inline constexpr const char* kGlobexArticle = "6b0b0000-0000-4000-8000-000000000001";
inline constexpr const char* kWebDoc = "ac0d0000-0000-4000-8000-000000000001";
inline constexpr const char* kReturnsDoc = "ac0d0000-0000-4000-8000-000000000002";
inline constexpr const char* kFailedDoc = "ac0d0000-0000-4000-8000-000000000004";
inline constexpr const char* kNotionDoc = "ac0d0000-0000-4000-8000-000000000005";
inline constexpr const char* kFileDoc = "ac0d0000-0000-4000-8000-000000000011";
inline constexpr const char* kDriveDoc = "ac0d0000-0000-4000-8000-000000000012";
inline constexpr const char* kGlobexDoc = "6b0d0000-0000-4000-8000-000000000001";
inline constexpr const char* kIntentRule = "ac0e0000-0000-4000-8000-000000000001";
inline constexpr const char* kTemplateRule = "ac0e0000-0000-4000-8000-000000000003";
inline constexpr const char* kBusinessRule = "ac0e0000-0000-4000-8000-000000000004";
inline constexpr const char* kDraftRule = "ac0e0000-0000-4000-8000-000000000006";
inline constexpr const char* kDraftRuleNoText = "ac0e0000-0000-4000-8000-000000000007";
inline constexpr const char* kGlobexRule = "6b0e0000-0000-4000-8000-000000000001";
inline constexpr const char* kOrderIntentGroup = "ac090000-0000-4000-8000-000000000001";
inline constexpr const char* kTrackTag = "ac070000-0000-4000-8000-000000000001";
inline constexpr const char* kManagedGroup = "f1f10000-0000-4000-8000-000000000001";
inline constexpr const char* kManagedTag = "f1f70000-0000-4000-8000-000000000001";
inline constexpr const char* kGlobexGroup = "6b090000-0000-4000-8000-000000000001";
inline constexpr const char* kGlobexTag = "6b070000-0000-4000-8000-000000000001";

inline constexpr int64_t kNow = 1767225600000;  // 2026-01-01T00:00:00Z
inline constexpr int64_t kDay = 24LL * 60 * 60 * 1000;
inline constexpr int64_t kStep = 1000;

struct Resp {
  int status = 0;  // 0: transport error (no response)
  json body;       // parsed JSON, or discarded when not JSON
  std::string raw;
  httplib::Headers headers;
};

SandboxOptions test_options();

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override { start(test_options()); }
  void start(const SandboxOptions& o);

  Resp get(const std::string& path, const char* key = kAcmeRw);
  Resp post(const std::string& path, const json& body, const char* key = kAcmeRw);
  Resp put(const std::string& path, const json& body, const char* key = kAcmeRw);
  Resp patch(const std::string& path, const json& body, const char* key = kAcmeRw);
  Resp del(const std::string& path, const char* key = kAcmeRw);
  Resp del_body(const std::string& path, const json& body, const char* key = kAcmeRw);
  // Any method, raw body, explicit headers (key may be nullptr: no Authorization header).
  Resp send(const std::string& method, const std::string& path, const std::string& body, const char* key,
            const httplib::Headers& extra = {}, const std::string& content_type = "application/json");

  std::unique_ptr<Sandbox> sb_;
};

Resp to_resp(const httplib::Result& r);

// Asserts status and the exact {statusCode,message,error} envelope (message checked when given).
::testing::AssertionResult is_envelope(const Resp& r, int status, const std::string& message = "");

}  // namespace fini::sim::testing
