// bench_sim_keepalive: N threads of keep-alive httplib::Client GET /v2/bots/public against an
// in-process sandbox; prints requests/second. Usage: bench_sim_keepalive [threads] [seconds]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include <httplib.h>

#include "sim/sandbox.hpp"

int main(int argc, char** argv) {
  int threads = argc > 1 ? std::atoi(argv[1]) : 4;
  double seconds = argc > 2 ? std::atof(argv[2]) : 3.0;
  fini::sim::SandboxOptions o;
  o.threads = threads + 2;
  auto sb = fini::sim::Sandbox::start(o);
  if (!sb.ok()) {
    std::fprintf(stderr, "start failed: %s\n", sb.status().message().c_str());
    return 1;
  }
  int port = (*sb)->port();
  std::atomic<bool> go{true};
  std::atomic<long> ok{0}, failed{0};
  std::vector<std::thread> pool;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&] {
      httplib::Client cli("127.0.0.1", port);
      cli.set_keep_alive(true);
      cli.set_bearer_token_auth("fini_sandbox_acme_read_5f0c2a91d3");
      long n = 0, bad = 0;
      while (go.load(std::memory_order_relaxed)) {
        auto r = cli.Get("/v2/bots/public");
        if (r && r->status == 200) {
          ++n;
        } else {
          ++bad;
        }
      }
      ok += n;
      failed += bad;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  go = false;
  for (auto& t : pool) t.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"threads\":%d,\"seconds\":%.2f,\"requests\":%ld,\"errors\":%ld,\"rps\":%.0f}\n", threads, elapsed,
              ok.load(), failed.load(), static_cast<double>(ok.load()) / elapsed);
  (*sb)->stop();
  return failed.load() == 0 ? 0 : 1;
}
