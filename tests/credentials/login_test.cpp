// `fini-mcp login | logout | whoami` as a user runs them: the built binary in a pseudo-terminal
// (echo must be off while the key is typed) and with pipes, against the sandbox on loopback.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "credentials/test_helpers.hpp"

namespace fini::credentials {
namespace {

using namespace ct;  // NOLINT
using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

std::vector<std::string> base_env(const fs::path& config) {
  std::vector<std::string> env = {"XDG_CONFIG_HOME=" + config.string(), "HOME=" + config.string(), "PATH=/usr/bin:/bin",
                                  "TERM=dumb"};
  for (const char* pass : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* v = std::getenv(pass)) env.push_back(std::string(pass) + "=" + v);
  }
  return env;
}

[[noreturn]] void exec_child(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  std::vector<char*> argv, envp;
  argv.push_back(const_cast<char*>(FINI_MCP_BIN));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  ::execve(FINI_MCP_BIN, argv.data(), envp.data());
  ::_exit(127);
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The binary on a pseudo-terminal, as in a user's shell.
class PtyProcess {
 public:
  PtyProcess(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    pid_ = ::forkpty(&master_, nullptr, nullptr, nullptr);
    if (pid_ < 0) throw std::runtime_error("forkpty failed");
    if (pid_ == 0) exec_child(args, env);
  }
  ~PtyProcess() {
    if (master_ >= 0) ::close(master_);
    if (pid_ > 0 && !waited_) {
      ::kill(pid_, SIGKILL);
      wait_exit(pid_);
    }
  }
  // Reads until `text` appeared in the transcript (true) or the child closed the terminal.
  bool read_until(const std::string& text, std::chrono::seconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (transcript_.find(text) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline || !read_some(100)) return false;
    }
    return true;
  }
  void write(const std::string& text) {
    ASSERT_EQ(::write(master_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  int finish() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline && read_some(100)) {}
    waited_ = true;
    return wait_exit(pid_);
  }
  bool echo_on() const {
    termios t{};
    ::tcgetattr(master_, &t);
    return (t.c_lflag & ECHO) != 0;
  }
  const std::string& transcript() const { return transcript_; }

 private:
  // false once the child has closed its side (EIO on Linux).
  bool read_some(int timeout_ms) {
    pollfd p{master_, POLLIN, 0};
    const int r = ::poll(&p, 1, timeout_ms);
    if (r == 0) return true;
    char buf[4096];
    const ssize_t n = ::read(master_, buf, sizeof buf);
    if (n <= 0) return false;
    transcript_.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  pid_t pid_ = -1;
  int master_ = -1;
  bool waited_ = false;
  std::string transcript_;
};

struct ProcessRun {
  int code = -1;
  std::string out, err;
};

// The binary with `input` on a pipe as stdin (scripts).
ProcessRun run_piped(const std::vector<std::string>& args, const std::vector<std::string>& env,
                     const std::string& input, const fs::path& scratch) {
  const fs::path out = scratch / "stdout.txt", err = scratch / "stderr.txt";
  int in_pipe[2];
  if (::pipe(in_pipe) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in_pipe[0], 0);
    ::close(in_pipe[0]);
    ::close(in_pipe[1]);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(o, 1);
    ::dup2(e, 2);
    exec_child(args, env);
  }
  ::close(in_pipe[0]);
  if (!input.empty()) (void)!::write(in_pipe[1], input.data(), input.size());
  ::close(in_pipe[1]);
  ProcessRun r;
  r.code = wait_exit(pid);
  auto slurp = [](const fs::path& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  };
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

class LoginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox_ = start_sandbox();
    config_ = tmp_.path() / "config";
    scratch_ = tmp_.path() / "scratch";
    fs::create_directories(scratch_);
    store_.emplace(config_ / "fini-mcp");
  }
  std::vector<std::string> env() const { return base_env(config_); }
  ProcessRun piped(const std::vector<std::string>& args, const std::string& input = "") {
    return run_piped(args, env(), input, scratch_);
  }

  TempDir tmp_;
  fs::path config_, scratch_;
  std::unique_ptr<sim::Sandbox> sandbox_;
  std::optional<ProfileStore> store_;
};

TEST_F(LoginTest, TerminalLoginReadsTheKeyWithEchoOffAndStoresItPrivately) {
  PtyProcess p({"login", "--base-url", sandbox_->url()}, env());
  ASSERT_TRUE(p.read_until("input is hidden: ")) << p.transcript();
  EXPECT_FALSE(p.echo_on());  // the prompt appears only once echo is off
  p.write(std::string(kAcmeRw) + "\n");
  EXPECT_EQ(p.finish(), 0) << p.transcript();
  EXPECT_THAT(p.transcript(), Not(HasSubstr(kAcmeRw)));
  EXPECT_THAT(p.transcript(), Not(HasSubstr("1d9a7e3c52")));
  EXPECT_THAT(p.transcript(), HasSubstr("Fini accepted the key. Agents in this workspace (3):"));
  EXPECT_THAT(p.transcript(), HasSubstr("  - Support Agent (ac0a0000-0000-4000-8000-000000000001)"));
  EXPECT_THAT(p.transcript(),
              HasSubstr("Access: it can read this workspace; write access is checked on the first change you make."));
  EXPECT_THAT(p.transcript(), HasSubstr("Stored as profile 'default' for " + sandbox_->url() + " in " +
                                        store_->path_of("default").string() + " (mode 0600)."));
  EXPECT_EQ(mode_of(config_ / "fini-mcp"), 0700u);
  EXPECT_EQ(mode_of(config_ / "fini-mcp" / "profiles"), 0700u);
  EXPECT_EQ(mode_of(store_->path_of("default")), 0600u);
  auto saved = store_->load("default");
  ASSERT_TRUE(saved.ok() && saved->has_value());
  EXPECT_EQ((*saved)->key, kAcmeRw);
  EXPECT_EQ((*saved)->base_url, sandbox_->url());
  EXPECT_EQ((*saved)->scopes, (std::set<std::string>{"read"}));  // write: learned from the first write
}

TEST_F(LoginTest, TerminalLoginWithARejectedKeyStoresNothing) {
  PtyProcess p({"login", "--base-url", sandbox_->url()}, env());
  ASSERT_TRUE(p.read_until("input is hidden: ")) << p.transcript();
  p.write(std::string(kAcmeRevoked) + "\n");
  EXPECT_EQ(p.finish(), 1);
  EXPECT_THAT(p.transcript(), HasSubstr("fini-mcp login: Fini rejected this key (HTTP 401): it is malformed, revoked "
                                        "or belongs to no workspace. Copy the key again from the Fini dashboard "
                                        "(Deploy → API Keys). Nothing was stored."));
  EXPECT_THAT(p.transcript(), Not(HasSubstr(kAcmeRevoked)));
  EXPECT_FALSE(fs::exists(store_->path_of("default")));
}

TEST_F(LoginTest, PipedLoginWhoamiLogout) {
  auto login = piped({"login", "--profile", "acme", "--base-url", sandbox_->url()}, std::string(kAcmeRead) + "\n");
  EXPECT_EQ(login.code, 0) << login.err;
  EXPECT_THAT(login.out,
              HasSubstr("Access: it can read this workspace; write access is checked on the first change you make.\n"));
  EXPECT_THAT(login.out + login.err, Not(HasSubstr(kAcmeRead)));
  EXPECT_EQ(mode_of(store_->path_of("acme")), 0600u);

  auto who = piped({"whoami", "--profile", "acme"});
  EXPECT_EQ(who.code, 0) << who.err;
  EXPECT_EQ(who.out, "profile:  acme\nstored:   " + store_->path_of("acme").string() +
                         "\nbase URL: " + sandbox_->url() + "\nkey:      fini_\u202691d3\nscopes:   read\nchecked:  " +
                         (*store_->load("acme"))->checked_at + "\nstatus:   ok\n");

  auto out = piped({"logout", "--profile", "acme"});
  EXPECT_EQ(out.code, 0);
  EXPECT_EQ(out.out, "Removed the key of profile 'acme' (" + store_->path_of("acme").string() + ").\n");
  EXPECT_FALSE(fs::exists(store_->path_of("acme")));
  auto again = piped({"logout", "--profile", "acme"});
  EXPECT_EQ(again.out, "No key was stored for profile 'acme'.\n");

  auto gone = piped({"whoami", "--profile", "acme"});
  EXPECT_EQ(gone.code, 1);
  EXPECT_EQ(gone.err, "fini-mcp whoami: no key is stored for profile 'acme' (looked in " +
                          store_->path_of("acme").string() + "). Run `fini-mcp login --profile acme`.\n");
}

TEST_F(LoginTest, PipedMalformedKeyIsRefusedBeforeAnyRequest) {
  auto login = piped({"login", "--base-url", sandbox_->url()}, "sk_live_abcdefghijklmnop\n");
  EXPECT_EQ(login.code, 2);
  EXPECT_EQ(login.err,
            "fini-mcp login: that is not a Fini API key: Fini keys start with \"fini_\" (copy it from the "
            "Fini dashboard, Deploy → API Keys). Nothing was stored.\n");
  EXPECT_FALSE(fs::exists(config_ / "fini-mcp" / "profiles" / "default.json"));
  auto empty = piped({"login", "--base-url", sandbox_->url()}, "");
  EXPECT_EQ(empty.code, 2);
  EXPECT_EQ(empty.err, "fini-mcp login: no key on standard input. Nothing was stored.\n");
}

TEST_F(LoginTest, UnreachableApiStoresNothing) {
  auto login = piped({"login", "--base-url", "http://127.0.0.1:1"}, std::string(kAcmeRw) + "\n");
  EXPECT_EQ(login.code, 1);
  EXPECT_THAT(login.err,
              ::testing::StartsWith("fini-mcp login: could not check the key with Fini at http://127.0.0.1:1: "));
  EXPECT_THAT(login.err, Not(HasSubstr(kAcmeRw)));
  EXPECT_FALSE(fs::exists(store_->path_of("default")));
}

TEST_F(LoginTest, WhoamiRefusesAReadableKeyFile) {
  ASSERT_EQ(piped({"login", "--base-url", sandbox_->url()}, std::string(kAcmeRw) + "\n").code, 0);
  const std::string path = store_->path_of("default").string();
  ::chmod(path.c_str(), 0644);
  auto who = piped({"whoami"});
  EXPECT_EQ(who.code, 2);
  EXPECT_EQ(who.err, "fini-mcp whoami: refusing to read the stored key " + path +
                         ": it is readable by group or others; run `chmod 600 " + path + "`\n");
}

TEST_F(LoginTest, WhoamiSaysADamagedProfileIsDamaged) {
  ASSERT_EQ(piped({"login", "--base-url", sandbox_->url()}, std::string(kAcmeRw) + "\n").code, 0);
  const std::string path = store_->path_of("default").string();
  {
    std::ofstream out(path, std::ios::trunc);
    out << "{\"key\":\"" << kAcmeRw << "\",\"baseUrl\":null}";
  }
  auto who = piped({"whoami"});
  EXPECT_EQ(who.code, 1);
  EXPECT_EQ(who.err, "fini-mcp whoami: the stored profile " + path +
                         " is damaged; remove it with `fini-mcp logout --profile default` and run `fini-mcp login "
                         "--profile default`\n");
  EXPECT_THAT(who.out + who.err, Not(HasSubstr(kAcmeRw)));
}

TEST_F(LoginTest, TwoProfilesKeepTwoWorkspaces) {
  ASSERT_EQ(piped({"login", "--profile", "acme", "--base-url", sandbox_->url()}, std::string(kAcmeRw) + "\n").code, 0);
  auto globex = piped({"login", "--profile", "globex", "--base-url", sandbox_->url()}, std::string(kGlobexRw) + "\n");
  ASSERT_EQ(globex.code, 0) << globex.err;
  EXPECT_THAT(globex.out, Not(HasSubstr("Support Agent (ac0a")));  // globex sees its own agents only
  EXPECT_EQ((*store_->load("acme"))->key, kAcmeRw);
  EXPECT_EQ((*store_->load("globex"))->key, kGlobexRw);
  // FINI_PROFILE selects the profile when --profile is absent.
  auto env_profile = base_env(config_);
  env_profile.push_back("FINI_PROFILE=globex");
  auto who = run_piped({"whoami"}, env_profile, "", scratch_);
  EXPECT_THAT(who.out, ::testing::StartsWith("profile:  globex\n"));
}

}  // namespace
}  // namespace fini::credentials
