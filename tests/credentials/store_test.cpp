// ProfileStore: private folders and files, atomic replacement, refusal of readable files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "credentials/store.hpp"
#include "credentials/test_helpers.hpp"

namespace fini::credentials {
namespace {

using ct::mode_of;
using ct::TempDir;
namespace fs = std::filesystem;

Profile sample(const std::string& name = "default", const std::string& key = ct::kAcmeRw) {
  Profile p;
  p.name = name;
  p.key = key;
  p.base_url = "http://127.0.0.1:1234";
  p.scopes = std::set<std::string>{"read", "write"};
  p.checked_at = "2026-05-20T12:34:56Z";
  return p;
}

TEST(ProfileStore, SaveCreatesPrivateFoldersAndFileAndLoadsBack) {
  TempDir tmp;
  ProfileStore store(tmp.path() / "cfg" / "fini-mcp");
  ASSERT_TRUE(store.save(sample()).ok());
  EXPECT_EQ(mode_of(tmp.path() / "cfg" / "fini-mcp"), 0700u);
  EXPECT_EQ(mode_of(tmp.path() / "cfg" / "fini-mcp" / "profiles"), 0700u);
  EXPECT_EQ(mode_of(store.path_of("default")), 0600u);
  EXPECT_EQ(store.path_of("default"), tmp.path() / "cfg" / "fini-mcp" / "profiles" / "default.json");

  auto loaded = store.load("default");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_TRUE(loaded->has_value());
  const Profile& p = **loaded;
  EXPECT_EQ(p.key, ct::kAcmeRw);
  EXPECT_EQ(p.base_url, "http://127.0.0.1:1234");
  EXPECT_EQ(p.scopes, (std::set<std::string>{"read", "write"}));
  EXPECT_EQ(p.checked_at, "2026-05-20T12:34:56Z");
  EXPECT_FALSE(p.invalid);
}

TEST(ProfileStore, SaveIgnoresAPermissiveUmask) {
  TempDir tmp;
  const mode_t old = ::umask(0);
  ProfileStore store(tmp.path() / "fini-mcp");
  const Status s = store.save(sample());
  ::umask(old);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(mode_of(tmp.path() / "fini-mcp"), 0700u);
  EXPECT_EQ(mode_of(store.path_of("default")), 0600u);
}

TEST(ProfileStore, SaveTightensAnExistingOpenFolder) {
  TempDir tmp;
  fs::create_directories(tmp.path() / "fini-mcp" / "profiles");
  ::chmod((tmp.path() / "fini-mcp").c_str(), 0755);
  ::chmod((tmp.path() / "fini-mcp" / "profiles").c_str(), 0775);
  ProfileStore store(tmp.path() / "fini-mcp");
  ASSERT_TRUE(store.save(sample()).ok());
  EXPECT_EQ(mode_of(tmp.path() / "fini-mcp"), 0700u);
  EXPECT_EQ(mode_of(tmp.path() / "fini-mcp" / "profiles"), 0700u);
}

TEST(ProfileStore, MissingProfileIsNotAnError) {
  TempDir tmp;
  ProfileStore store(tmp.path() / "fini-mcp");
  auto loaded = store.load("default");
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->has_value());
}

TEST(ProfileStore, RefusesAGroupOrWorldReadableFileSayingHowToFixIt) {
  TempDir tmp;
  ProfileStore store(tmp.path() / "fini-mcp");
  ASSERT_TRUE(store.save(sample()).ok());
  const std::string path = store.path_of("default").string();
  for (mode_t mode : {0644, 0640, 0604}) {
    ::chmod(path.c_str(), mode);
    auto loaded = store.load("default");
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.status().code(), Code::kFailedPrecondition);
    EXPECT_EQ(loaded.status().message(), "refusing to read the stored key " + path +
                                             ": it is readable by group or others; run `chmod 600 " + path + "`");
    EXPECT_THAT(loaded.status().message(), ::testing::Not(::testing::HasSubstr(ct::kAcmeRw)));
  }
  ::chmod(path.c_str(), 0600);
  EXPECT_TRUE(store.load("default").ok());
}

TEST(ProfileStore, RefusesASymlinkInPlaceOfTheFile) {
  TempDir tmp;
  ProfileStore store(tmp.path() / "fini-mcp");
  ASSERT_TRUE(store.save(sample("other")).ok());
  fs::create_symlink(store.path_of("other"), store.path_of("default"));
  auto loaded = store.load("default");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(), ::testing::HasSubstr("cannot read the stored key"));
}

TEST(ProfileStore, DamagedFileIsReportedWithTheFix) {
  TempDir tmp;
  ProfileStore store(tmp.path() / "fini-mcp");
  ASSERT_TRUE(store.save(sample()).ok());
  {
    std::ofstream out(store.path_of("default"), std::ios::trunc);
    out << "{not json";
  }
  auto loaded = store.load("default");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().message(), "the stored profile " + store.path_of("default").string() +
                                           " is damaged; remove it with `fini-mcp logout --profile default` and "
                                           "run `fini-mcp login --profile default`");
}

TEST(ProfileStore, WrongTypesAreDamagedNotACrash) {
  TempDir tmp;
  ProfileStore store(tmp.path() / "fini-mcp");
  ASSERT_TRUE(store.save(sample()).ok());
  const std::string key = std::string("\"key\":\"") + ct::kAcmeRw + "\"";
  for (const std::string& body :
       {"{" + key + ",\"baseUrl\":null}", "{" + key + ",\"baseUrl\":7}", "{" + key + ",\"scopes\":\"read\"}",
        "{" + key + ",\"scopes\":[1]}", "{" + key + ",\"invalid\":\"no\"}", "{" + key + ",\"checkedAt\":{}}",
        std::string("{\"key\":null}"), std::string("[]"), std::string(100000, '[')}) {
    {
      std::ofstream out(store.path_of("default"), std::ios::trunc);
      out << body;
    }
    auto loaded = store.load("default");
    ASSERT_FALSE(loaded.ok()) << body.substr(0, 60);
    EXPECT_THAT(loaded.status().message(), ::testing::HasSubstr(" is damaged; remove it with `fini-mcp logout"));
  }
}

TEST(ProfileStore, ReplacementIsAtomicUnderConcurrentReadersAndLeavesNoTempFiles) {
  TempDir tmp;
  ProfileStore store(tmp.path() / "fini-mcp");
  ASSERT_TRUE(store.save(sample()).ok());
  const std::vector<std::string> keys = {ct::kAcmeRw, ct::kAcmeRead, ct::kGlobexRw};
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0}, reads{0};
  std::thread reader([&] {
    while (!stop) {
      auto loaded = store.load("default");
      // Every read sees one whole version: never a partial file, never a missing one.
      if (!loaded.ok() || !loaded->has_value() || std::find(keys.begin(), keys.end(), (*loaded)->key) == keys.end()) {
        ++bad;
      }
      ++reads;
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 40; ++i) {
        if (!store.save(sample("default", keys[static_cast<std::size_t>(w)])).ok()) ++bad;
      }
    });
  }
  for (auto& t : writers) t.join();
  stop = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 0);
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(tmp.path() / "fini-mcp" / "profiles")) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_THAT(names, ::testing::ElementsAre("default.json"));
  EXPECT_EQ(mode_of(store.path_of("default")), 0600u);
}

TEST(ProfileStore, RemoveSaysWhetherThereWasOne) {
  TempDir tmp;
  ProfileStore store(tmp.path() / "fini-mcp");
  ASSERT_TRUE(store.save(sample("work")).ok());
  auto first = store.remove("work");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  EXPECT_FALSE(fs::exists(store.path_of("work")));
  auto second = store.remove("work");
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
}

TEST(ProfileStore, ProfileNamesCannotEscapeTheFolder) {
  TempDir tmp;
  ProfileStore store(tmp.path() / "fini-mcp");
  for (const char* name : {"../evil", "a/b", "", ".hidden", "x y"}) {
    const Status s = store.save(sample(name));
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << name;
    EXPECT_FALSE(store.load(name).ok()) << name;
  }
  EXPECT_EQ(check_profile_name("../evil").message(),
            "invalid profile name '../evil': use 1-64 letters, digits, '_', '-' or '.', not starting with '.'");
  EXPECT_TRUE(check_profile_name("acme-prod.2").ok());
}

TEST(ProfileStore, ConfigFolderFollowsXdgThenHome) {
  const char* old_xdg = std::getenv("XDG_CONFIG_HOME");
  const char* old_home = std::getenv("HOME");
  const std::string saved_xdg = old_xdg ? old_xdg : "", saved_home = old_home ? old_home : "";
  ::setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
  ::setenv("HOME", "/home/u", 1);
  EXPECT_EQ(*default_config_dir(), fs::path("/x/cfg/fini-mcp"));
  ::unsetenv("XDG_CONFIG_HOME");
  EXPECT_EQ(*default_config_dir(), fs::path("/home/u/.config/fini-mcp"));
  ::unsetenv("HOME");
  EXPECT_EQ(default_config_dir().status().message(),
            "cannot tell where to store keys: neither XDG_CONFIG_HOME nor HOME is set");
  if (old_xdg) ::setenv("XDG_CONFIG_HOME", saved_xdg.c_str(), 1);
  if (old_home) ::setenv("HOME", saved_home.c_str(), 1);
}

}  // namespace
}  // namespace fini::credentials
