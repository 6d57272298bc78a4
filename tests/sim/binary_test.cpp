// Shell-level check of the built fini-sim: first stdout line is {"url": ...}, the read key lists
// agents, a write route with the read key is a 403 envelope, SIGTERM exits 0.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim_test_util.hpp"

extern char** environ;

namespace fini::sim::testing {
namespace {

std::string read_line(int fd) {
  std::string line;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') line.push_back(c);
  return line;
}

TEST(BinaryTest, PrintsUrlServesAndExitsCleanlyOnSigterm) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addclose(&fa, out[0]);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> args = {FINI_SIM_BINARY, "--port", "0", "--now", std::to_string(kNow), "--job-step-ms", "0"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, FINI_SIM_BINARY, &fa, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);

  std::string first = read_line(out[0]);
  json j = json::parse(first, nullptr, false);
  ASSERT_TRUE(j.is_object() && j.size() == 1 && j["url"].is_string()) << first;
  std::string url = j["url"];
  ASSERT_EQ(url.rfind("http://127.0.0.1:", 0), 0u) << url;
  int port = std::stoi(url.substr(url.rfind(':') + 1));

  httplib::Client cli("127.0.0.1", port);
  cli.set_bearer_token_auth(kAcmeRead);
  auto agents = to_resp(cli.Get("/v2/bots/public"));
  ASSERT_EQ(agents.status, 200);
  EXPECT_EQ(agents.body.size(), 3u);
  EXPECT_EQ(agents.body[0]["name"], "Presales Agent");
  EXPECT_TRUE(
      is_envelope(to_resp(cli.Post("/v2/hc-folders/public", R"({"title":"x","description":""})", "application/json")),
                  403, "API key does not have the required scope for this operation"));

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  EXPECT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0);
  // Nothing else went to stdout (logs belong on stderr).
  char extra[64];
  EXPECT_EQ(::read(out[0], extra, sizeof extra), 0);
  ::close(out[0]);
}

TEST(BinaryTest, BadFlagsExitNonZero) {
  std::string cmd = std::string(FINI_SIM_BINARY) + " --error-rate 7 >/dev/null 2>&1";
  int rc = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(WEXITSTATUS(rc), 2);
  cmd = std::string(FINI_SIM_BINARY) + " --fixtures /nonexistent/dir --port 0 >/dev/null 2>&1";
  rc = std::system(cmd.c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 1);
}

}  // namespace
}  // namespace fini::sim::testing
