// KeyState on its own: where the active key comes from, what Fini's answers teach it, which of
// them must be saved, and how a key from the page is told apart from the one a call saw.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "credentials/key_state.hpp"

namespace fini::credentials {
namespace {

constexpr const char* kBase = "http://127.0.0.1:4010";
constexpr const char* kStored = "fini_sandbox_acme_rw_1d9a7e3c52";
constexpr const char* kPasted = "fini_sandbox_globex_rw_9e2b6d4a81";

using Scopes = std::set<std::string>;

Profile profile(const std::string& key, std::optional<Scopes> scopes = std::nullopt) {
  Profile p;
  p.name = "work";
  p.key = key;
  p.base_url = kBase;
  p.scopes = std::move(scopes);
  p.checked_at = "2026-05-20T12:34:56Z";
  return p;
}

TEST(KeyState, StartsWithNoKey) {
  KeyState state("work", kBase);
  const auto a = state.active();
  EXPECT_EQ(a.key, std::nullopt);
  EXPECT_FALSE(a.fixed);
  EXPECT_FALSE(a.rejected);
  EXPECT_TRUE(a.load_error.ok());
  EXPECT_EQ(state.source(), "");
  EXPECT_EQ(state.may("read"), std::nullopt);
  EXPECT_EQ(state.observe(kStored, 401, "read", false), std::nullopt);  // no key: nothing to mark
}

TEST(KeyState, StoredProfileBecomesTheActiveKey) {
  KeyState state("work", kBase);
  ASSERT_TRUE(state.load_profile(profile(kStored, Scopes{"read"})));
  const auto a = state.active();
  EXPECT_EQ(a.key, kStored);
  EXPECT_FALSE(a.fixed);
  EXPECT_EQ(state.source(), "profile 'work'");
  EXPECT_EQ(state.scopes(), Scopes{"read"});
  EXPECT_EQ(state.may("read"), true);
  EXPECT_EQ(state.may("write"), std::nullopt);
  const Profile snap = state.snapshot();
  EXPECT_EQ(snap.name, "work");
  EXPECT_EQ(snap.key, kStored);
  EXPECT_EQ(snap.base_url, kBase);
  EXPECT_EQ(snap.checked_at, "2026-05-20T12:34:56Z");
  EXPECT_FALSE(snap.invalid);
}

TEST(KeyState, RejectedOrForeignProfilesAreNotUsed) {
  KeyState state("work", kBase);
  Profile rejected = profile(kStored);
  rejected.invalid = true;
  EXPECT_FALSE(state.load_profile(rejected));
  Profile foreign = profile(kStored);
  foreign.base_url = "https://api-prod.usefini.com";
  EXPECT_FALSE(state.load_profile(foreign));
  EXPECT_EQ(state.active().key, std::nullopt);
  // A profile written before keys were bound to an API is taken as this API's.
  Profile unbound = profile(kStored);
  unbound.base_url.clear();
  EXPECT_TRUE(state.load_profile(unbound));
  EXPECT_EQ(state.active().key, kStored);
}

TEST(KeyState, FixedKeyIsKeptAfter401AndNeverSaved) {
  KeyState state("work", kBase);
  state.load_fixed(kStored, "--api-key-file /run/key");
  EXPECT_TRUE(state.active().fixed);
  EXPECT_EQ(state.source(), "--api-key-file /run/key");
  EXPECT_EQ(state.observe(kStored, 201, "write", false), std::nullopt);  // learned, not stored
  EXPECT_EQ(state.may("write"), true);
  EXPECT_EQ(state.observe(kStored, 401, "read", false), std::nullopt);
  const auto a = state.active();
  EXPECT_EQ(a.key, kStored);  // only its owner can replace it; calls keep using it
  EXPECT_TRUE(a.rejected);
  EXPECT_EQ(state.source(), "");
  const auto origin = state.origin();
  EXPECT_TRUE(origin.fixed);
  EXPECT_EQ(origin.source, "--api-key-file /run/key");
}

TEST(KeyState, EmptyFixedKeyIsStillTheActiveOne) {
  KeyState state("work", kBase);
  state.load_fixed("", "FINI_API_KEY");
  EXPECT_EQ(state.active().key, "");  // the caller explains the empty setting; nobody is asked
}

TEST(KeyState, A401MarksTheStoredKeyInvalidOnce) {
  KeyState state("work", kBase);
  ASSERT_TRUE(state.load_profile(profile(kStored, Scopes{"read", "write"})));
  auto to_save = state.observe(kStored, 401, "read", false);
  ASSERT_TRUE(to_save.has_value());
  EXPECT_TRUE(to_save->invalid);
  EXPECT_EQ(to_save->key, kStored);
  EXPECT_EQ(to_save->scopes, (Scopes{"read", "write"}));
  EXPECT_EQ(state.observe(kStored, 401, "read", false), std::nullopt);  // already known
  const auto a = state.active();
  EXPECT_EQ(a.key, std::nullopt);
  EXPECT_TRUE(a.rejected);
  EXPECT_EQ(state.source(), "");
  EXPECT_FALSE(state.origin().fixed);
}

TEST(KeyState, ObservationsOfAnotherKeyAreIgnored) {
  KeyState state("work", kBase);
  ASSERT_TRUE(state.load_profile(profile(kStored, Scopes{"read"})));
  EXPECT_EQ(state.observe(kPasted, 401, "read", false), std::nullopt);
  EXPECT_EQ(state.observe(kPasted, 200, "write", false), std::nullopt);
  EXPECT_EQ(state.active().key, kStored);
  EXPECT_EQ(state.may("write"), std::nullopt);
}

TEST(KeyState, ScopesAreLearnedOnlyFromWhatFiniSaid) {
  KeyState state("work", kBase);
  ASSERT_TRUE(state.load_profile(profile(kStored)));
  EXPECT_EQ(state.observe(kStored, 500, "read", false), std::nullopt);   // says nothing
  EXPECT_EQ(state.observe(kStored, 403, "write", false), std::nullopt);  // not about the scope
  EXPECT_EQ(state.observe(kStored, 200, "admin", false), std::nullopt);  // not a scope
  auto learned = state.observe(kStored, 200, "read", false);
  ASSERT_TRUE(learned.has_value());
  EXPECT_EQ(learned->scopes, Scopes{"read"});
  EXPECT_NE(learned->checked_at, "2026-05-20T12:34:56Z");
  EXPECT_EQ(state.observe(kStored, 200, "read", false), std::nullopt);  // nothing new: no save
  auto denied = state.observe(kStored, 403, "write", true);
  ASSERT_TRUE(denied.has_value());
  EXPECT_EQ(denied->denied, Scopes{"write"});
  EXPECT_EQ(state.may("write"), false);
  EXPECT_EQ(state.observe(kStored, 403, "write", true), std::nullopt);
  // The key was changed in the dashboard: a successful write overrides the earlier refusal.
  auto granted = state.observe(kStored, 201, "write", false);
  ASSERT_TRUE(granted.has_value());
  EXPECT_TRUE(granted->denied.empty());
  EXPECT_EQ(granted->scopes, (Scopes{"read", "write"}));
  EXPECT_EQ(state.may("write"), true);
}

TEST(KeyState, AKeyFromThePageReplacesEverythingAndBumpsTheGeneration) {
  KeyState state("work", kBase);
  state.load_failed(Status(Code::kFailedPrecondition, "refusing to read the stored key"));
  const auto before = state.active();
  EXPECT_EQ(before.load_error.message(), "refusing to read the stored key");
  EXPECT_EQ(state.arrived_since(before.generation), std::nullopt);
  state.accept(kPasted, Scopes{"read"}, "2026-06-01T00:00:00Z");
  const auto after = state.active();
  EXPECT_NE(after.generation, before.generation);
  EXPECT_TRUE(after.load_error.ok());
  EXPECT_EQ(after.key, kPasted);
  EXPECT_EQ(state.arrived_since(before.generation), kPasted);
  EXPECT_EQ(state.arrived_since(after.generation), std::nullopt);
  EXPECT_EQ(state.source(), "key page");
  EXPECT_EQ(state.snapshot().checked_at, "2026-06-01T00:00:00Z");
}

TEST(KeyState, APageKeyClearsTheRejectionAndTheRefusedScopes) {
  KeyState state("work", kBase);
  ASSERT_TRUE(state.load_profile(profile(kStored, Scopes{"read"})));
  ASSERT_TRUE(state.observe(kStored, 403, "write", true).has_value());
  ASSERT_TRUE(state.observe(kStored, 401, "read", false).has_value());
  const auto generation = state.active().generation;
  state.accept(kPasted, Scopes{"read"}, "2026-06-01T00:00:00Z");
  EXPECT_FALSE(state.active().rejected);
  EXPECT_EQ(state.may("write"), std::nullopt);
  EXPECT_FALSE(state.snapshot().invalid);
  EXPECT_EQ(state.arrived_since(generation), kPasted);
  // A 401 for the new key hides it from waiting calls as well.
  ASSERT_TRUE(state.observe(kPasted, 401, "read", false).has_value());
  EXPECT_EQ(state.arrived_since(generation), std::nullopt);
}

TEST(KeyState, ConcurrentCallsSaveEachLessonOnce) {
  KeyState state("work", kBase);
  ASSERT_TRUE(state.load_profile(profile(kStored)));
  std::atomic<int> saves{0};
  std::vector<std::thread> calls;
  for (int i = 0; i < 8; ++i) {
    calls.emplace_back([&, i] {
      for (int n = 0; n < 50; ++n) {
        if (state.observe(kStored, 200, i % 2 == 0 ? "read" : "write", false)) ++saves;
        (void)state.may("read");
        (void)state.snapshot();
      }
    });
  }
  for (auto& t : calls) t.join();
  EXPECT_EQ(saves.load(), 2);  // one for read, one for write
  EXPECT_EQ(state.scopes(), (Scopes{"read", "write"}));
}

}  // namespace
}  // namespace fini::credentials
