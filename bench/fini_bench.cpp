// fini-bench: start-up and call-latency benchmarks, reported as medians and ratios measured in
// one run (never asserted in tests). Usage:
//   fini-bench startup  --mcp BIN [--manifests DIR] [--runs N]
//   FINI_API_KEY=KEY fini-bench latency --mcp BIN --sim-url URL [--calls N]   (the key never in argv)
//   fini-bench listsize --mcp BIN [--manifests DIR]
#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Child {
  pid_t pid = -1;
  int in = -1;   // we write
  int out = -1;  // we read
  std::string buffer;

  void send(const std::string& line) {
    std::string l = line + "\n";
    const char* p = l.data();
    size_t left = l.size();
    while (left > 0) {
      ssize_t n = ::write(in, p, left);
      if (n <= 0) return;
      p += n;
      left -= static_cast<size_t>(n);
    }
  }
  std::string read_line() {
    for (;;) {
      auto nl = buffer.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer.substr(0, nl);
        buffer.erase(0, nl + 1);
        return line;
      }
      char chunk[65536];
      ssize_t n = ::read(out, chunk, sizeof chunk);
      if (n <= 0) return {};
      buffer.append(chunk, static_cast<size_t>(n));
    }
  }
  void close_and_wait() {
    if (in >= 0) ::close(in);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (out >= 0) ::close(out);
  }
};

Child spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {}) {
  int to_child[2], from_child[2];
  if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) std::exit(1);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(to_child[0], 0);
    ::dup2(from_child[1], 1);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 2);
    ::close(to_child[1]);
    ::close(from_child[0]);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  return Child{pid, to_child[1], from_child[0], {}};
}

const char* kInit =
    R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}})";

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

std::map<std::string, std::string> parse_flags(int argc, char** argv) {
  std::map<std::string, std::string> f;
  for (int i = 2; i + 1 < argc; i += 2) f[argv[i]] = argv[i + 1];
  return f;
}

int startup(std::map<std::string, std::string> f) {
  const int runs = std::stoi(f.count("--runs") ? f["--runs"] : "40");
  std::vector<std::string> argv{f["--mcp"], "serve"};
  if (f.count("--manifests")) {
    argv.push_back("--manifests");
    argv.push_back(f["--manifests"]);
  }
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto t0 = Clock::now();
    Child c = spawn(argv);
    c.send(kInit);
    std::string line = c.read_line();
    auto t1 = Clock::now();
    if (line.find("\"protocolVersion\"") == std::string::npos) {
      std::cerr << "no initialize response\n";
      return 1;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    c.close_and_wait();
  }
  std::printf("startup_to_initialize_ms median=%.2f min=%.2f runs=%d manifests=%s\n", median(ms),
              *std::min_element(ms.begin(), ms.end()), runs, f.count("--manifests") ? f["--manifests"].c_str() : "(default)");
  return 0;
}

int listsize(std::map<std::string, std::string> f) {
  std::vector<std::string> argv{f["--mcp"], "serve"};
  if (f.count("--manifests")) {
    argv.push_back("--manifests");
    argv.push_back(f["--manifests"]);
  }
  Child c = spawn(argv);
  c.send(kInit);
  c.read_line();
  c.send(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})");
  std::string line = c.read_line();
  c.close_and_wait();
  auto j = json::parse(line);
  const auto& tools = j["result"]["tools"];
  std::printf("tools_list tools=%zu result_bytes=%zu line_bytes=%zu\n", tools.size(), j["result"].dump().size(), line.size());
  return 0;
}

int latency(std::map<std::string, std::string> f) {
  const int calls = std::stoi(f.count("--calls") ? f["--calls"] : "400");
  const std::string url = f["--sim-url"];
  const char* env_key = std::getenv("FINI_API_KEY");
  if (env_key == nullptr || *env_key == '\0') {
    std::cerr << "fini-bench latency: set FINI_API_KEY (a key for the sandbox at --sim-url)\n";
    return 2;
  }
  const std::string key = env_key;
  // Direct: one keep-alive client, same endpoint.
  httplib::Client direct(url);
  direct.set_keep_alive(true);
  direct.set_tcp_nodelay(true);
  httplib::Headers headers{{"Authorization", "Bearer " + key}, {"Accept", "application/json"}};
  std::vector<double> direct_ms, mcp_ms;
  Child c = spawn({f["--mcp"], "serve", "--base-url", url}, {{"FINI_API_KEY", key}});
  c.send(kInit);
  c.read_line();
  c.send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  // Warm both paths (connections, caches) before measuring; interleave so drift hits both.
  for (int i = 0; i < 20; ++i) {
    direct.Get("/v2/bots/public", headers);
    c.send(R"({"jsonrpc":"2.0","id":"w","method":"tools/call","params":{"name":"list_agents","arguments":{}}})");
    c.read_line();
  }
  for (int i = 0; i < calls; ++i) {
    auto t0 = Clock::now();
    auto res = direct.Get("/v2/bots/public", headers);
    auto t1 = Clock::now();
    if (!res || res->status != 200) {
      std::cerr << "direct request failed\n";
      return 1;
    }
    direct_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    auto t2 = Clock::now();
    c.send(R"({"jsonrpc":"2.0","id":)" + std::to_string(i) + R"(,"method":"tools/call","params":{"name":"list_agents","arguments":{}}})");
    std::string line = c.read_line();
    auto t3 = Clock::now();
    if (line.find("\"isError\":true") != std::string::npos || line.find("structuredContent") == std::string::npos) {
      std::cerr << "tool call failed: " << line.substr(0, 300) << "\n";
      return 1;
    }
    mcp_ms.push_back(std::chrono::duration<double, std::milli>(t3 - t2).count());
  }
  // The stdio round trip alone (no upstream): the floor under any tools/call overhead.
  std::vector<double> ping_ms;
  for (int i = 0; i < calls; ++i) {
    auto t0 = Clock::now();
    c.send(R"({"jsonrpc":"2.0","id":"p","method":"ping"})");
    c.read_line();
    ping_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  c.close_and_wait();
  const double d = median(direct_ms), m = median(mcp_ms);
  std::printf("stdio_ping_rtt_median_ms=%.3f\n", median(ping_ms));
  std::printf("call_latency list_agents calls=%d direct_median_ms=%.3f mcp_median_ms=%.3f ratio=%.2f added_ms=%.3f\n",
              calls, d, m, m / d, m - d);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  if (argc < 2) {
    std::cerr << "usage: fini-bench startup|latency|listsize --mcp BIN ...\n";
    return 2;
  }
  std::string cmd = argv[1];
  auto flags = parse_flags(argc, argv);
  if (cmd == "startup") return startup(flags);
  if (cmd == "latency") return latency(flags);
  if (cmd == "listsize") return listsize(flags);
  std::cerr << "unknown benchmark " << cmd << "\n";
  return 2;
}
