// KeyRing: an ephemeral ring draws its secret on first use; copies share it, other rings do not,
// and concurrent first uses agree on one secret.
#include "common/keyring.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace fini {
namespace {

TEST(KeyRing, EphemeralSealsAndOpens) {
  auto ring = KeyRing::ephemeral();
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(ring->size(), 1U);
  auto sealed = ring->seal("code", {{"n", 1}});
  ASSERT_TRUE(sealed.has_value());
  auto opened = ring->open("code", *sealed);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ((*opened)["n"], 1);
  EXPECT_FALSE(ring->open("access", *sealed).has_value());
}

TEST(KeyRing, CopiesShareTheEphemeralSecretOtherRingsDoNot) {
  auto ring = KeyRing::ephemeral();
  auto other = KeyRing::ephemeral();
  ASSERT_TRUE(ring.ok() && other.ok());
  const KeyRing copy = *ring;  // copied before the secret is drawn
  auto sealed = ring->seal("code", {{"n", 2}});
  ASSERT_TRUE(sealed.has_value());
  EXPECT_TRUE(copy.open("code", *sealed).has_value());
  EXPECT_FALSE(other->open("code", *sealed).has_value());
}

TEST(KeyRing, ConcurrentFirstUsesDrawOneSecret) {
  auto ring = KeyRing::ephemeral();
  ASSERT_TRUE(ring.ok());
  std::vector<std::string> sealed(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    threads.emplace_back([&, i] { sealed[i] = ring->seal("code", {{"i", i}}).value_or(""); });
  }
  for (auto& t : threads) t.join();
  for (const auto& s : sealed) EXPECT_TRUE(ring->open("code", s).has_value()) << s;
}

TEST(KeyRing, FromSecretsStillChecksEverySecret) {
  EXPECT_FALSE(KeyRing::from_secrets({}).ok());
  EXPECT_FALSE(KeyRing::from_secrets({std::string(40, 'a'), "short"}).ok());
  auto ring = KeyRing::from_secrets({std::string(40, 'a'), std::string(40, 'b')});
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(ring->size(), 2U);
}

}  // namespace
}  // namespace fini
