#pragma once
// `fini-mcp login | logout | whoami`: the terminal side of the stored key profiles. login reads
// the key with echo off on a terminal (or a line from a pipe), checks its format and then with
// the Fini API, and stores it only if accepted; it prints the workspace's agents and where the
// key went, never the key. Each returns the process exit code (0 ok, 1 rejected/unreachable,
// 2 usage or configuration problem). Not thread-safe (process-level: termios, signals).

#include <string>

namespace fini::cli {

struct LoginOptions {
  std::string profile;   // empty: FINI_PROFILE or "default"
  std::string base_url;  // empty: FINI_BASE_URL, the profile's, or production
  std::string ca_file;
  int timeout_ms = 30000;
};

int run_login(const LoginOptions& options);
int run_logout(const std::string& profile);
int run_whoami(const std::string& profile);

}  // namespace fini::cli
