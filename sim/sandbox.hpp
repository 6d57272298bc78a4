#pragma once
// fini::sim::Sandbox: a local, faithful Fini API v2 (the 56 documented routes) served over HTTP or
// HTTPS by cpp-httplib, for tests, demos and `fini-mcp serve --sandbox`. Start it on an ephemeral
// port, point a client at url(), stop it (or destroy it).
// Thread-safety: all public methods are safe to call from any thread while the server runs.
// Nothing throws: start() reports problems as a Status.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "sim/faults.hpp"
#include "sim/routes.hpp"

namespace fini::sim {

struct SandboxOptions {
  std::string host = "127.0.0.1";
  int port = 0;               // 0: any free port
  std::string tls_cert_file;  // both set: HTTPS
  std::string tls_key_file;
  std::string fixtures_dir;                        // empty: the fixtures compiled into the library
  std::string state_file;                          // load at start if present; rewritten atomically after each write
  int64_t job_step_ms = 1500;                      // each job stage (PENDING, IN_PROGRESS) lasts this long; 0 = instant
  std::optional<int64_t> now_ms;                   // pin "now" at start (deterministic seeds); default: real time
  std::map<std::string, int> conversation_counts;  // workspace -> generated conversations (benchmarks)
  bool freeze_clock = false;                       // time moves only via advance_clock() (tests)
  std::string request_log_file;
  FaultOptions faults;
  int threads = 16;  // worker threads (each keep-alive connection holds one)
  size_t max_body_bytes = 2 * 1024 * 1024;
  size_t keep_alive_max_count = 100000;
};

class Sandbox {
 public:
  static Result<std::unique_ptr<Sandbox>> start(const SandboxOptions& options);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  std::string url() const;  // "http://127.0.0.1:PORT" (https with TLS)
  int port() const;
  void stop();  // idempotent; blocks until the listener thread has exited

  // Runtime keys (e.g. canaries in other test suites). scopes: "read" and/or "write".
  Status add_key(const std::string& key, const std::string& workspace, const std::vector<std::string>& scopes);
  Status revoke_key(const std::string& key);

  int64_t now_ms() const;
  void advance_clock(int64_t ms);

  // Requests whose handler threw (answered 500). Always 0 unless the sandbox has a bug; tests assert it.
  uint64_t internal_errors() const;

  // The route table (method + path template + scope + operationId) served by every Sandbox.
  static const std::vector<RouteInfo>& routes();

 private:
  struct Impl;
  explicit Sandbox(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fini::sim
