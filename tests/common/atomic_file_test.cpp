#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/atomic_file.hpp"

namespace fini {
namespace {

namespace fs = std::filesystem;

class AtomicFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "fini-atomic-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, ec);
    fs::remove_all(dir_, ec);
  }
  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static unsigned mode_of(const fs::path& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 07777;
  }
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {})); }
  fs::path dir_;
};

TEST_F(AtomicFile, WritesNewFileWithTheChosenModeAndNoTempLeft) {
  const fs::path target = dir_ / "state.json";
  ASSERT_TRUE(write_file_atomically(target, "{\"a\":1}\n").ok());
  EXPECT_EQ(read(target), "{\"a\":1}\n");
  EXPECT_EQ(mode_of(target), 0600u);
  EXPECT_EQ(entries(), 1u);

  const fs::path shared = dir_ / "shared.txt";
  const mode_t old = ::umask(077);  // the chosen mode wins over the umask
  const Status s = write_file_atomically(shared, "x", 0644);
  ::umask(old);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(mode_of(shared), 0644u);
}

TEST_F(AtomicFile, ReplacesExistingContentWholly) {
  const fs::path target = dir_ / "ckpt";
  ASSERT_TRUE(write_file_atomically(target, std::string(10000, 'a')).ok());
  ASSERT_TRUE(write_file_atomically(target, "short").ok());
  EXPECT_EQ(read(target), "short");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicFile, ReplacesASymlinkItselfNotItsTarget) {
  const fs::path victim = dir_ / "victim";
  { std::ofstream(victim) << "keep"; }
  const fs::path link = dir_ / "link";
  fs::create_symlink(victim, link);
  ASSERT_TRUE(write_file_atomically(link, "new").ok());
  EXPECT_EQ(read(victim), "keep");
  EXPECT_FALSE(fs::is_symlink(link));
  EXPECT_EQ(read(link), "new");
}

TEST_F(AtomicFile, FailureLeavesOldContentAndNoTempFile) {
  const fs::path target = dir_ / "sub";
  fs::create_directory(target);  // rename of a file over a folder fails after the temp was written
  const Status s = write_file_atomically(target, "data");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_TRUE(fs::is_directory(target));
  EXPECT_EQ(entries(), 1u) << "the temp file must be removed";
}

TEST_F(AtomicFile, MissingFolderIsAnErrorNamingThePath) {
  const Status s = write_file_atomically(dir_ / "absent" / "f", "x");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("absent"), std::string::npos);
}

}  // namespace
}  // namespace fini
