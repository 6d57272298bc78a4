// fini-bench: start-up and call-latency benchmarks, reported as medians and ratios measured in
// one run (never asserted in tests). Usage:
//   fini-bench startup  --mcp BIN [--manifests DIR] [--runs N] [--manifests-times K] [--goal-ms G]
//       --manifests-times K: start on a generated folder of K copies of the manifests (of --manifests,
//       default ./manifests), each copy with distinct tool names
//   FINI_API_KEY=KEY fini-bench latency --mcp BIN --sim-url URL [--calls N]   (the key never in argv)
//   fini-bench listsize --mcp BIN [--manifests DIR] [--manifests-times K]
//   FINI_API_KEY=KEY fini-bench concurrency --mcp BIN --sim BIN [--latency-ms 5] [--concurrency 64]
//       [--calls N] [--workers W] [--direct]  calls/s vs the ideal concurrency/latency, CPU per call of each process
//       [--http [--replicas N] [--nginx /usr/sbin/nginx --repo DIR] | --http --url URL]  the same over
//       Streamable HTTP: one fini-mcp --http, N replicas behind nginx (deploy/nginx/loopback.conf.in), or a URL
//   FINI_API_KEY=KEY fini-bench soak --mcp BIN --sim BIN [--calls 50000] [--concurrency 64]
//       [--write-percent 30] [--fault-seed S]  mixed calls against a sandbox with ~20% transient faults;
//       exits 1 when a check fails (exactly-once answers, >= 99% idempotent success, 0 duplicate writes,
//       every write reported as done exists, bounded RSS)
//   FINI_API_KEY=KEY fini-bench export --mcp BIN --sim BIN [--rows 1000,5000,10000] [--format jsonl]
//       the export tool over a sandbox scaled to N conversations: rows/s, the server's peak RSS per size
//       (flat = streaming), bytes of the tools/call reply (what reaches the model) vs bytes exported
//   fini-bench outputcheck --manifests DIR [--calls N]  CPU per tools/call of the outputSchema check
//       (in-process, thread CPU), as µs and as a ratio to the same call without it
// --goal X on startup (ms), latency and concurrency (ratios) also prints one "GOAL <name>: ..." line:
// the figure, measured in this run, next to the goal it is held to (bench/run.sh collects them).
#include "output_check_bench.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Child {
  pid_t pid = -1;
  int in = -1;   // we write
  int out = -1;  // we read
  std::string buffer;
  bool eof = false;

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
      if (n <= 0) {
        eof = true;
        return {};
      }
      buffer.append(chunk, static_cast<size_t>(n));
    }
  }
  void close_and_wait() {
    if (in >= 0) ::close(in);
    in = -1;
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (out >= 0) ::close(out);
    out = -1;
  }
};

Child spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {}) {
  int to_child[2], from_child[2];
  // O_CLOEXEC: a child never inherits the pipes of another child (an inherited write end would
  // keep a stdin open after we close it). dup2 onto 0/1 clears the flag for the child's own ends.
  if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0) std::exit(1);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(to_child[0], 0);
    ::dup2(from_child[1], 1);
    int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
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
  return Child{pid, to_child[1], from_child[0], {}, false};
}

const char* kInit =
    R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}})";

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

std::map<std::string, std::string> parse_flags(int argc, char** argv) {
  std::map<std::string, std::string> f;
  for (int i = 2; i < argc; ++i) {
    // --flag VALUE, or a bare --flag (followed by another --flag or nothing): "1"
    const bool has_value = i + 1 < argc && std::strncmp(argv[i + 1], "--", 2) != 0;
    f.insert_or_assign(std::string(argv[i]), std::string(has_value ? argv[i + 1] : "1"));
    if (has_value) ++i;
  }
  return f;
}

// One line per goal, stable prefix "GOAL <name>: " (bench/run.sh collects them, the README cites them):
// the figure measured in this run, the goal next to it, and whether it is met.
void print_goal(const char* name, const std::string& what, double value, double goal, const char* unit,
                const std::string& detail) {
  const bool ratio = std::string(unit) == "x";
  std::printf("GOAL %s: %s: %.2f%s (goal \u2264 %g%s) %s; %s\n", name, what.c_str(), value, ratio ? "\u00d7" : unit,
              goal, ratio ? "\u00d7" : unit, value <= goal ? "met" : "NOT met", detail.c_str());
  std::fflush(stdout);
}

struct TempDir {
  std::string path;
  TempDir() = default;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    if (!path.empty()) std::filesystem::remove_all(path);
  }
};

// A temporary manifest folder holding `times` copies of every manifest under `src` (one folder per
// toolset, as the loader wants): copy 0 unchanged, copy i named "<name>_<i>". Files at the top
// (manifest.schema.json, README.md) are copied once. Returns the folder, or "" on failure.
std::string write_scaled_manifests(const std::string& src, int times) {
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/fini-bench-manifests-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return {};
  const fs::path out = tmpl;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(src, ec)) {
    if (entry.is_regular_file()) fs::copy_file(entry.path(), out / entry.path().filename(), ec);
    if (!entry.is_directory()) continue;
    fs::create_directories(out / entry.path().filename(), ec);
    for (const auto& file : fs::directory_iterator(entry.path(), ec)) {
      if (file.path().extension() != ".json") continue;
      std::ifstream in(file.path());
      json manifest = json::parse(in, nullptr, false);
      if (manifest.is_discarded() || !manifest.contains("name")) continue;
      const std::string name = manifest["name"].get<std::string>();
      for (int i = 0; i < times; ++i) {
        const std::string copy = i == 0 ? name : name + "_" + std::to_string(i);
        manifest["name"] = copy;
        std::ofstream(out / entry.path().filename() / (copy + ".json")) << manifest.dump(2) << "\n";
      }
    }
  }
  if (ec) {
    std::cerr << "could not copy the manifests of " << src << ": " << ec.message() << "\n";
    fs::remove_all(out);
    return {};
  }
  return out.string();
}

// --manifests-times K: points --manifests at a generated folder of K copies (removed with `dir`).
bool use_scaled_manifests(std::map<std::string, std::string>& f, TempDir& dir) {
  if (!f.count("--manifests-times")) return true;
  dir.path = write_scaled_manifests(f.count("--manifests") ? f["--manifests"] : "manifests",
                                    std::stoi(f["--manifests-times"]));
  if (dir.path.empty()) return false;
  f["--manifests"] = dir.path;
  return true;
}

int startup(std::map<std::string, std::string> f) {
  const int runs = std::stoi(f.count("--runs") ? f["--runs"] : "40");
  TempDir scaled;
  if (!use_scaled_manifests(f, scaled)) return 1;
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
  const std::string which = f.count("--manifests-times") ? f["--manifests-times"] + "x the manifests"
                            : f.count("--manifests")     ? f["--manifests"]
                                                         : "(default)";
  std::printf("startup_to_initialize_ms median=%.2f min=%.2f runs=%d manifests=%s\n", median(ms),
              *std::min_element(ms.begin(), ms.end()), runs, which.c_str());
  if (f.count("--goal-ms")) {
    const bool scaled_run = f.count("--manifests-times") > 0;
    char what[160];
    std::snprintf(what, sizeof what, "spawn \u2192 initialize median%s", scaled_run ? (" with " + which).c_str() : "");
    print_goal(scaled_run ? "startup_scaled_ms" : "startup_ms", what, median(ms), std::stod(f["--goal-ms"]), " ms",
               std::to_string(runs) + " runs");
  }
  return 0;
}

int listsize(std::map<std::string, std::string> f) {
  TempDir scaled;
  if (!use_scaled_manifests(f, scaled)) return 1;
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
  std::printf("tools_list tools=%zu result_bytes=%zu line_bytes=%zu\n", tools.size(), j["result"].dump().size(),
              line.size());
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
    c.send(R"({"jsonrpc":"2.0","id":)" + std::to_string(i) +
           R"(,"method":"tools/call","params":{"name":"list_agents","arguments":{}}})");
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
  if (f.count("--goal")) {
    char detail[160];
    std::snprintf(detail, sizeof detail, "median %.1f vs %.1f us, %d calls", m * 1000, d * 1000, calls);
    const std::string what = "tools/call vs direct keep-alive GET at " +
                             (f.count("--upstream-ms") ? f["--upstream-ms"] : std::string("0")) + " ms upstream";
    print_goal("call_vs_direct", what, m / d, std::stod(f["--goal"]), "x", detail);
  }
  return 0;
}

// ---- figures from /proc ------------------------------------------------------------------------

// utime + stime of a process (all its threads), in seconds; -1 when it is gone.
double proc_cpu_seconds(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto rp = s.rfind(')');
  if (rp == std::string::npos) return -1;
  std::istringstream in(s.substr(rp + 1));
  std::vector<std::string> v;  // v[0] is field 3 (state): field k is v[k - 3]
  for (std::string tok; in >> tok;) v.push_back(tok);
  if (v.size() < 13) return -1;
  return static_cast<double>(std::stoull(v[11]) + std::stoull(v[12])) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// A "VmRSS"/"VmHWM" line of /proc/PID/status, in KiB; -1 when absent.
long proc_status_kib(pid_t pid, const std::string& field) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(f, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

// Machine-wide CPU from /proc/stat: {busy, total} jiffies over all cores (busy = total - idle - iowait).
// Busy cores over a window = busy delta / total delta * cores: shows other load sharing the machine.
std::pair<double, double> host_cpu_jiffies() {
  std::ifstream f("/proc/stat");
  std::string cpu;
  f >> cpu;
  std::vector<double> v;
  for (double x; v.size() < 8 && f >> x;) v.push_back(x);
  if (cpu != "cpu" || v.size() < 5) return {0, 0};
  double total = 0;
  for (double x : v) total += x;
  return {total - v[3] - v[4], total};
}

double busy_cores(std::pair<double, double> a, std::pair<double, double> b) {
  const double total = b.second - a.second;
  return total > 0 ? (b.first - a.first) / total * static_cast<double>(::sysconf(_SC_NPROCESSORS_ONLN)) : 0;
}

double self_cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// ---- the sandbox as a child process ------------------------------------------------------------

struct Sim {
  Child child;
  std::string url;
  void stop() {
    if (child.pid > 0) {
      ::kill(child.pid, SIGTERM);
      child.close_and_wait();
      child.pid = -1;
    }
  }
};

// Starts fini-sim on a free port; its first stdout line (flushed) carries the URL, so no polling.
bool start_sim(const std::string& bin, std::vector<std::string> flags, Sim& out) {
  std::vector<std::string> argv{bin, "--port", "0"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  out.child = spawn(argv);
  const std::string line = out.child.read_line();
  const json j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.contains("url") || !j["url"].is_string()) {
    std::cerr << "fini-sim did not start (first line: " << line.substr(0, 200) << ")\n";
    out.stop();
    return false;
  }
  out.url = j["url"].get<std::string>();
  return true;
}

// ---- pipelined JSON-RPC over the pipe ----------------------------------------------------------

// The top-level facts of one JSON-RPC line, found in one pass without building a DOM (the bench
// shares 2 cores with the server; a full parse per reply would cost more than the server's work).
struct LineFacts {
  bool has_id = false;
  long long id = -1;
  bool has_method = false;
  bool has_result = false;
  bool has_error = false;
  int is_error = -1;  // result.isError: -1 absent, 0 false, 1 true
};

LineFacts scan_line(std::string_view l) {
  LineFacts f;
  std::vector<char> stack;
  bool expect_key = false;
  std::string_view top_key, key;
  for (size_t i = 0; i < l.size(); ++i) {
    const char c = l[i];
    if (c == '"') {
      size_t j = i + 1;
      while (j < l.size() && l[j] != '"') j += l[j] == '\\' ? 2u : 1u;
      if (expect_key) {
        key = l.substr(i + 1, j - i - 1);
        if (stack.size() == 1) top_key = key;
        expect_key = false;
      }
      i = j;
    } else if (c == '{' || c == '[') {
      stack.push_back(c);
      expect_key = c == '{';
    } else if (c == '}' || c == ']') {
      if (!stack.empty()) stack.pop_back();
    } else if (c == ',') {
      expect_key = !stack.empty() && stack.back() == '{';
    } else if (c == ':') {
      size_t v = i + 1;
      while (v < l.size() && l[v] == ' ') ++v;
      if (stack.size() == 1) {
        if (key == "id") {
          f.has_id = true;
          if (v < l.size() && (l[v] == '-' || (l[v] >= '0' && l[v] <= '9')))
            f.id = std::atoll(std::string(l.substr(v, 20)).c_str());
        } else if (key == "method") {
          f.has_method = true;
        } else if (key == "result") {
          f.has_result = true;
        } else if (key == "error") {
          f.has_error = true;
        }
      } else if (stack.size() == 2 && top_key == "result" && key == "isError") {
        f.is_error = l.substr(v, 4) == "true" ? 1 : 0;
      }
    }
  }
  return f;
}

// Sends requests with at most `max_in_flight` unanswered and matches replies by id on a reader
// thread. Ids are 1..capacity; slot id-1 records how often that id was answered.
class Pipeline {
 public:
  struct Outcome {
    int answers = 0;
    int is_error = -1;  // 0: a result that succeeded, 1: a result with isError true, -1: no result
    bool rpc_error = false;
    Clock::time_point sent, done;
  };

  Pipeline(Child& child, size_t capacity, int max_in_flight)
      : child_(child), outcomes_(capacity), max_in_flight_(max_in_flight) {
    reader_ = std::thread([this] { read_loop(); });
  }
  ~Pipeline() { join(); }

  void send(long long id, const std::string& line) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return in_flight_ < max_in_flight_ || reader_done_; });
      ++in_flight_;
      outcomes_[static_cast<size_t>(id - 1)].sent = Clock::now();
    }
    child_.send(line);
  }
  // True when every sent request was answered before the deadline.
  bool wait_all(Clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_until(lock, deadline, [&] { return in_flight_ == 0 || reader_done_; });
    return in_flight_ == 0;
  }
  int in_flight() {
    std::lock_guard<std::mutex> lock(mu_);
    return in_flight_;
  }
  // After the child's stdout reached EOF.
  void join() {
    if (reader_.joinable()) reader_.join();
  }
  const std::vector<Outcome>& outcomes() const { return outcomes_; }
  long duplicates() const { return duplicates_; }
  long unknown_ids() const { return unknown_ids_; }
  long notifications() const { return notifications_; }
  long server_requests() const { return server_requests_; }

 private:
  void read_loop() {
    for (;;) {
      std::string line = child_.read_line();
      if (child_.eof) break;
      const LineFacts f = scan_line(line);
      std::lock_guard<std::mutex> lock(mu_);
      if (f.has_method) {
        ++(f.has_id ? server_requests_ : notifications_);
        continue;
      }
      if (!f.has_id || f.id < 1 || static_cast<size_t>(f.id) > outcomes_.size() || !(f.has_result || f.has_error)) {
        ++unknown_ids_;
        continue;
      }
      Outcome& o = outcomes_[static_cast<size_t>(f.id - 1)];
      if (++o.answers > 1) {
        ++duplicates_;
        continue;
      }
      o.is_error = f.has_result ? (f.is_error == 1 ? 1 : 0) : -1;  // a result without isError succeeded
      o.rpc_error = f.has_error;
      o.done = Clock::now();
      --in_flight_;
      cv_.notify_all();
    }
    std::lock_guard<std::mutex> lock(mu_);
    reader_done_ = true;
    cv_.notify_all();
  }

  Child& child_;
  std::vector<Outcome> outcomes_;
  const int max_in_flight_;
  std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0;
  bool reader_done_ = false;
  long duplicates_ = 0, unknown_ids_ = 0, notifications_ = 0, server_requests_ = 0;
  std::thread reader_;
};

std::string tool_call(long long id, const std::string& name, const json& args) {
  return json{
      {"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"}, {"params", {{"name", name}, {"arguments", args}}}}
      .dump();
}

bool initialize(Child& c) {
  c.send(kInit);
  const std::string line = c.read_line();
  if (line.find("\"protocolVersion\"") == std::string::npos) return false;
  c.send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  return true;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

const char* need_key(const char* what) {
  const char* k = std::getenv("FINI_API_KEY");
  if (k == nullptr || *k == '\0') {
    std::cerr << "fini-bench " << what << ": set FINI_API_KEY (a read+write sandbox key)\n";
    return nullptr;
  }
  return k;
}

// ---- concurrency: calls/s at C in flight against a sandbox with L ms latency ---------------------

// CPU of a process and its direct children (nginx's master and its worker), in seconds.
double tree_cpu_seconds(pid_t pid) {
  double total = proc_cpu_seconds(pid);
  std::ifstream f("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  for (pid_t child; f >> child;) total += std::max(0.0, proc_cpu_seconds(child));
  return total;
}

// What the HTTP bench talks to: fini-mcp --http replicas spawned here, alone or behind Debian's
// nginx configured from deploy/nginx/loopback.conf.in (also spawned here: every CPU is measured),
// or --url (started elsewhere; its CPU is then not measured here).
struct HttpStack {
  std::vector<Child> replicas;
  std::vector<std::string> replica_hosts;  // host:port
  Child nginx;
  std::string url, dir;

  double replicas_cpu() const {
    double s = 0;
    for (const auto& r : replicas) s += proc_cpu_seconds(r.pid);
    return s;
  }
  double nginx_cpu() const { return nginx.pid > 0 ? tree_cpu_seconds(nginx.pid) : 0; }
  void stop() {
    if (nginx.pid > 0) {
      ::kill(nginx.pid, SIGTERM);
      nginx.close_and_wait();
      nginx.pid = -1;
    }
    for (auto& r : replicas) {
      ::kill(r.pid, SIGTERM);
      r.close_and_wait();
    }
    replicas.clear();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

bool start_replica(const std::string& mcp, const std::string& sim_url, int conc, HttpStack& s) {
  s.replicas.push_back(spawn({mcp, "serve", "--http", "127.0.0.1:0", "--base-url", sim_url, "--no-access-log",
                              "--max-in-flight", std::to_string(std::max(64, conc))}));
  const json j = json::parse(s.replicas.back().read_line(), nullptr, false);
  if (j.is_discarded() || !j.contains("url") || !j["url"].is_string()) return false;
  s.url = j["url"].get<std::string>();
  const auto host = s.url.find("//") + 2;
  s.replica_hosts.push_back(s.url.substr(host, s.url.find('/', host) - host));
  return true;
}

std::string fill_template(std::string text, const std::map<std::string, std::string>& fill) {
  for (const auto& [k, v] : fill) {
    const std::string field = "@" + k + "@";
    for (auto at = text.find(field); at != std::string::npos; at = text.find(field, at + v.size())) {
      text.replace(at, field.size(), v);
    }
  }
  return text;
}

// A free loopback port: bind port 0, read it, release it.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// nginx from the shared template, with the production proxy settings (deploy/nginx/mcp-proxy.conf).
bool start_nginx(const std::string& bin, const std::string& repo, HttpStack& s) {
  char tmpl[] = "/tmp/fini-bench-nginx-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return false;
  s.dir = tmpl;
  std::string upstreams;
  for (const auto& h : s.replica_hosts) upstreams += "    server " + h + " max_fails=1 fail_timeout=5s;\n";
  const int port = free_port();
  std::ifstream in(repo + "/deploy/nginx/loopback.conf.in");
  const std::string conf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(s.dir + "/nginx.conf") << fill_template(conf, {{"DIR", s.dir},
                                                               {"PORT", std::to_string(port)},
                                                               {"WORKERS", "1"},
                                                               {"PROXY_CONF", repo + "/deploy/nginx/mcp-proxy.conf"},
                                                               {"UPSTREAMS", upstreams}});
  s.nginx = spawn({bin, "-c", s.dir + "/nginx.conf", "-p", s.dir});
  s.url = "http://127.0.0.1:" + std::to_string(port) + "/mcp";
  // nginx reports readiness only by answering: wait (bounded) for /healthz through a replica.
  httplib::Client client("127.0.0.1", port);
  for (int i = 0; i < 400; ++i) {
    if (auto r = client.Get("/healthz"); r && r->status == 200) return true;
    if (int status = 0; ::waitpid(s.nginx.pid, &status, WNOHANG) == s.nginx.pid) {
      s.nginx.pid = -1;  // exited (its error.log says why)
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

bool start_http_stack(std::map<std::string, std::string>& f, const std::string& sim_url, int conc, HttpStack& s) {
  if (f.count("--url")) {
    s.url = f["--url"];
    return true;
  }
  const int replicas = f.count("--replicas") ? std::stoi(f["--replicas"]) : 1;
  for (int i = 0; i < replicas; ++i) {
    if (!start_replica(f["--mcp"], sim_url, conc, s)) {
      std::cerr << "fini-mcp --http did not start\n";
      return false;
    }
  }
  if (!f.count("--nginx")) return true;
  if (start_nginx(f["--nginx"], f.count("--repo") ? f["--repo"] : ".", s)) return true;
  std::cerr << "nginx did not start (config and error.log in " << s.dir << ")\n";
  s.dir.clear();  // keep it for reading
  return false;
}

// `conc` client threads, each with its own keep-alive connection, POST tools/call list_agents to
// `url` until `total` calls were made; latencies (ms) into `ms` when given.
int drive_http(const std::string& url, const char* key, int conc, int total, std::vector<double>* ms) {
  const std::string origin = url.substr(0, url.find('/', url.find("//") + 2));
  const std::string path = url.substr(origin.size());
  std::atomic<int> next{0}, failed{0};
  std::mutex mutex;
  std::vector<std::thread> threads;
  for (int t = 0; t < conc; ++t) {
    threads.emplace_back([&] {
      httplib::Client client(origin);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      const httplib::Headers headers{{"Authorization", std::string("Bearer ") + key},
                                     {"Accept", "application/json, text/event-stream"},
                                     {"MCP-Protocol-Version", "2025-11-25"}};
      std::vector<double> mine;
      for (int i = 0; (i = next.fetch_add(1)) < total;) {
        const auto t0 = Clock::now();
        auto res = client.Post(path, headers, tool_call(i, "list_agents", json::object()), "application/json");
        if (!res || res->status != 200 || res->body.find("\"isError\":true") != std::string::npos) {
          if (failed.fetch_add(1) < 3) {
            std::lock_guard lock(mutex);
            std::cerr << "failed: "
                      << (!res ? "transport error " + httplib::to_string(res.error())
                               : "HTTP " + std::to_string(res->status) + " " + res->body.substr(0, 300))
                      << "\n";
          }
        }
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
      if (ms == nullptr) return;
      std::lock_guard lock(mutex);
      ms->insert(ms->end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  return failed.load();
}

// fini-mcp's CPU per call over the sandbox's, both from /proc (utime + stime) over the same calls.
void print_cpu_goal(const char* name, const char* transport, int conc, double latency_ms, double mcp_s, double sim_s,
                    int calls, double goal) {
  char what[200], detail[160];
  std::snprintf(what, sizeof what, "server CPU/call \u00f7 sandbox CPU/call at %d in flight, %g ms upstream, %s", conc,
                latency_ms, transport);
  std::snprintf(detail, sizeof detail, "fini-mcp %.1f us, fini-sim %.1f us per call, %d calls", mcp_s * 1e6 / calls,
                sim_s * 1e6 / calls, calls);
  print_goal(name, what, sim_s > 0 ? mcp_s / sim_s : 0, goal, "x", detail);
}

// HTTP mode: calls/s, p50/p99 and the CPU per call of every process in the path (replicas,
// nginx, sandbox, this load generator) plus what else kept the machine busy.
int concurrency_http(std::map<std::string, std::string>& f, const char* key, Sim& sim, int conc, int calls, int warm,
                     double latency_ms) {
  HttpStack stack;
  if (!start_http_stack(f, sim.url, conc, stack)) {
    stack.stop();
    sim.stop();
    return 1;
  }
  drive_http(stack.url, key, conc, warm, nullptr);
  const double mcp0 = stack.replicas_cpu(), nginx0 = stack.nginx_cpu(), sim0 = proc_cpu_seconds(sim.child.pid),
               self0 = self_cpu_seconds();
  const auto host0 = host_cpu_jiffies();
  const auto t0 = Clock::now();
  std::vector<double> ms;
  const int failed = drive_http(stack.url, key, conc, calls, &ms);
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  const double host_busy = busy_cores(host0, host_cpu_jiffies());
  const double mcp = stack.replicas_cpu() - mcp0, nginx = stack.nginx_cpu() - nginx0,
               simc = proc_cpu_seconds(sim.child.pid) - sim0, self = self_cpu_seconds() - self0;
  const std::string target = f.count("--url") ? "url" : f.count("--nginx") ? "nginx" : "direct";
  stack.stop();
  sim.stop();
  const double rate = calls / wall, ideal = conc / (latency_ms / 1000.0), us = 1e6 / calls;
  std::printf(
      "concurrency_http target=%s replicas=%zu in_flight=%d latency_ms=%g calls=%d calls_per_s=%.0f ideal_per_s=%.0f "
      "ratio_to_ideal=%.1f%% p50_ms=%.2f p99_ms=%.2f cpu_us_per_call mcp=%.1f nginx=%.1f sim=%.1f bench=%.1f "
      "total=%.1f cores_needed_for_ideal=%.2f host_busy_cores=%.2f (others: %.2f) failed=%d\n",
      target.c_str(), stack.replica_hosts.size(), conc, latency_ms, calls, rate, ideal, 100.0 * rate / ideal,
      percentile(ms, 0.5), percentile(ms, 0.99), mcp * us, nginx * us, simc * us, self * us,
      (mcp + nginx + simc + self) * us, (mcp + nginx + simc + self) * us * ideal / 1e6, host_busy,
      std::max(0.0, host_busy - (mcp + nginx + simc + self) / wall), failed);
  if (f.count("--goal") && target == "direct")
    print_cpu_goal("http_cpu_ratio", "HTTP", conc, latency_ms, mcp, simc, calls, std::stod(f["--goal"]));
  return failed == 0 ? 0 : 1;
}

int concurrency(std::map<std::string, std::string> f) {
  const char* key = need_key("concurrency");
  if (key == nullptr) return 2;
  const int calls = std::stoi(f.count("--calls") ? f["--calls"] : "20000");
  const int conc = std::stoi(f.count("--concurrency") ? f["--concurrency"] : "64");
  const double latency_ms = std::stod(f.count("--latency-ms") ? f["--latency-ms"] : "5");
  const std::string workers = f.count("--workers") ? f["--workers"] : "";
  const int warm = 4 * conc;
  Sim sim;
  // Enough sandbox threads that each pooled keep-alive connection has its own (one per connection).
  if (!start_sim(f["--sim"],
                 {"--threads", std::to_string(std::max(128, 2 * conc)), "--latency-ms",
                  f.count("--latency-ms") ? f["--latency-ms"] : "5", "--log-level", "error"},
                 sim)) {
    return 1;
  }
  if (f.count("--direct")) {
    // The ceiling without fini-mcp: `conc` threads, each with its own keep-alive connection, the same GET.
    std::atomic<int> next{0}, failed{0};
    auto run = [&](int total) {
      next = 0;
      std::vector<std::thread> threads;
      for (int t = 0; t < conc; ++t) {
        threads.emplace_back([&] {
          httplib::Client client(sim.url);
          client.set_keep_alive(true);
          client.set_tcp_nodelay(true);
          httplib::Headers headers{{"Authorization", std::string("Bearer ") + key}, {"Accept", "application/json"}};
          while (next.fetch_add(1) < total) {
            auto res = client.Get("/v2/bots/public", headers);
            if (!res || res->status != 200) ++failed;
          }
        });
      }
      for (auto& t : threads) t.join();
    };
    run(warm);
    const double sim0 = proc_cpu_seconds(sim.child.pid), self0 = self_cpu_seconds();
    const auto host0 = host_cpu_jiffies();
    const auto t0 = Clock::now();
    run(calls);
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    const double host_busy = busy_cores(host0, host_cpu_jiffies());
    const double sim_cpu = proc_cpu_seconds(sim.child.pid) - sim0, self_cpu = self_cpu_seconds() - self0;
    sim.stop();
    const double rate = calls / wall, ideal = conc / (latency_ms / 1000.0);
    std::printf(
        "concurrency_direct GET /v2/bots/public in_flight=%d latency_ms=%g calls=%d calls_per_s=%.0f ideal_per_s=%.0f "
        "ratio_to_ideal=%.1f%% cpu_us_per_call sim=%.1f bench=%.1f cores_busy=%.2f host_busy_cores=%.2f failed=%d\n",
        conc, latency_ms, calls, rate, ideal, 100.0 * rate / ideal, sim_cpu * 1e6 / calls, self_cpu * 1e6 / calls,
        (sim_cpu + self_cpu) / wall, host_busy, failed.load());
    return failed == 0 ? 0 : 1;
  }
  if (f.count("--http")) return concurrency_http(f, key, sim, conc, calls, warm, latency_ms);
  std::vector<std::string> argv{f["--mcp"], "serve", "--base-url", sim.url};
  if (!workers.empty()) argv.insert(argv.end(), {"--workers", workers});
  Child c = spawn(argv, {{"FINI_API_KEY", key}});
  if (!initialize(c)) {
    std::cerr << "no initialize response\n";
    sim.stop();
    return 1;
  }
  Pipeline p(c, static_cast<size_t>(warm + calls), conc);
  const std::string tool = "list_agents";
  long long id = 0;
  // Warm-up: connections opened, workers started, caches filled; not measured.
  for (int i = 0; i < warm; ++i) {
    ++id;
    p.send(id, tool_call(id, tool, json::object()));
  }
  bool ok = p.wait_all(Clock::now() + std::chrono::seconds(120));
  const double mcp0 = proc_cpu_seconds(c.pid), sim0 = proc_cpu_seconds(sim.child.pid), self0 = self_cpu_seconds();
  const auto host0 = host_cpu_jiffies();
  const auto t0 = Clock::now();
  for (int i = 0; i < calls && ok; ++i) {
    ++id;
    p.send(id, tool_call(id, tool, json::object()));
  }
  ok = ok && p.wait_all(Clock::now() + std::chrono::seconds(600));
  const auto t1 = Clock::now();
  const double mcp1 = proc_cpu_seconds(c.pid), sim1 = proc_cpu_seconds(sim.child.pid), self1 = self_cpu_seconds();
  const double host_busy = busy_cores(host0, host_cpu_jiffies());
  ::close(c.in);  // EOF: the server exits, its stdout ends, the reader returns
  c.in = -1;
  p.join();
  c.close_and_wait();
  sim.stop();
  long failed = 0;
  std::vector<double> ms;
  for (size_t i = static_cast<size_t>(warm); i < p.outcomes().size(); ++i) {
    const auto& o = p.outcomes()[i];
    if (o.answers != 1 || o.is_error != 0) ++failed;
    if (o.answers == 1) ms.push_back(std::chrono::duration<double, std::milli>(o.done - o.sent).count());
  }
  const double wall = std::chrono::duration<double>(t1 - t0).count();
  const double rate = calls / wall;
  const double ideal = conc / (latency_ms / 1000.0);
  const double per_call_us = 1e6 / calls;
  const double mcp_cpu = mcp1 - mcp0, sim_cpu = sim1 - sim0, self_cpu = self1 - self0;
  std::printf(
      "concurrency tool=%s in_flight=%d latency_ms=%g workers=%s calls=%d calls_per_s=%.0f ideal_per_s=%.0f "
      "ratio_to_ideal=%.1f%% p50_ms=%.2f p99_ms=%.2f cpu_us_per_call mcp=%.1f sim=%.1f bench=%.1f "
      "cores_busy=%.2f_of_%ld (mcp=%.2f sim=%.2f bench=%.2f) host_busy_cores=%.2f (other processes=%.2f) failed=%ld\n",
      tool.c_str(), conc, latency_ms, workers.empty() ? "default" : workers.c_str(), calls, rate, ideal,
      100.0 * rate / ideal, percentile(ms, 0.5), percentile(ms, 0.99), mcp_cpu * per_call_us, sim_cpu * per_call_us,
      self_cpu * per_call_us, (mcp_cpu + sim_cpu + self_cpu) / wall, ::sysconf(_SC_NPROCESSORS_ONLN), mcp_cpu / wall,
      sim_cpu / wall, self_cpu / wall, host_busy, std::max(0.0, host_busy - (mcp_cpu + sim_cpu + self_cpu) / wall),
      failed);
  if (f.count("--goal"))
    print_cpu_goal("stdio_cpu_ratio", "stdio", conc, latency_ms, mcp_cpu, sim_cpu, calls, std::stod(f["--goal"]));
  if (!ok || failed > 0) {
    std::cerr << "concurrency: " << failed << " calls failed or unanswered\n";
    return 1;
  }
  return 0;
}

// ---- soak: mixed reads and writes through ~20% transient faults -------------------------------

int soak(std::map<std::string, std::string> f) {
  const char* key = need_key("soak");
  if (key == nullptr) return 2;
  const int calls = std::stoi(f.count("--calls") ? f["--calls"] : "50000");
  const int conc = std::stoi(f.count("--concurrency") ? f["--concurrency"] : "64");
  const int write_percent = std::stoi(f.count("--write-percent") ? f["--write-percent"] : "30");
  const std::string seed = f.count("--fault-seed") ? f["--fault-seed"] : "7";
  const long rss_limit_kib = std::stol(f.count("--max-rss-mib") ? f["--max-rss-mib"] : "128") * 1024;
  const long rss_growth_kib = std::stol(f.count("--max-rss-growth-mib") ? f["--max-rss-growth-mib"] : "16") * 1024;
  // P(fault) = drop + (1-drop)(err + (1-err) malformed) = 0.05 + 0.95 (0.12 + 0.88 * 0.05) = 20.6%.
  const std::string error_rate = f.count("--error-rate") ? f["--error-rate"] : "0.12:500,503,429";
  const std::string drop_rate = f.count("--drop-rate") ? f["--drop-rate"] : "0.05";
  const std::string malformed_rate = f.count("--malformed-rate") ? f["--malformed-rate"] : "0.05";
  char log_template[] = "/tmp/fini-soak-XXXXXX";
  const int log_fd = ::mkstemp(log_template);
  if (log_fd < 0) return 1;
  ::close(log_fd);
  const std::string log_path = log_template;

  Sim sim;
  if (!start_sim(
          f["--sim"],
          {"--threads", std::to_string(std::max(128, 2 * conc)), "--error-rate", error_rate, "--drop-rate", drop_rate,
           "--malformed-rate", malformed_rate, "--fault-seed", seed, "--request-log", log_path, "--log-level", "error"},
          sim)) {
    return 1;
  }
  std::vector<std::string> argv{f["--mcp"], "serve", "--base-url", sim.url};
  if (f.count("--workers")) argv.insert(argv.end(), {"--workers", f["--workers"]});
  Child c = spawn(argv, {{"FINI_API_KEY", key}});
  if (!initialize(c)) {
    std::cerr << "no initialize response\n";
    sim.stop();
    return 1;
  }
  const long rss_start = proc_status_kib(c.pid, "VmRSS");
  long rss_warm = -1;
  const std::vector<std::pair<std::string, json>> reads = {
      {"list_agents", json::object()},
      {"list_rules", json::object()},
      {"get_knowledge_folders", json::object()},
      {"list_sources", {{"limit", 5}}},
  };
  std::vector<char> is_write(static_cast<size_t>(calls), 0);
  Pipeline p(c, static_cast<size_t>(calls), conc);
  const auto t0 = Clock::now();
  for (int i = 0; i < calls; ++i) {
    const long long id = i + 1;
    // Writes spread evenly through the run (37 is coprime with 100).
    if ((static_cast<long long>(i) * 37) % 100 < write_percent) {
      is_write[static_cast<size_t>(i)] = 1;
      p.send(id, tool_call(id, "create_tag_group", {{"title", "soak-" + std::to_string(i)}}));
    } else {
      const auto& [name, args] = reads[static_cast<size_t>(i) % reads.size()];
      p.send(id, tool_call(id, name, args));
    }
    if (i + 1 == calls / 10) rss_warm = proc_status_kib(c.pid, "VmRSS");
  }
  const bool all_answered =
      p.wait_all(Clock::now() + std::chrono::seconds(std::stoi(f.count("--timeout-s") ? f["--timeout-s"] : "900")));
  const auto t1 = Clock::now();
  const long rss_end = proc_status_kib(c.pid, "VmRSS");
  const long rss_peak = proc_status_kib(c.pid, "VmHWM");
  const double mcp_cpu = proc_cpu_seconds(c.pid);
  if (!all_answered) ::kill(c.pid, SIGKILL);
  ::close(c.in);  // EOF: the server drains and exits; its stdout then reaches EOF
  c.in = -1;
  p.join();
  int status = 0;
  ::waitpid(c.pid, &status, 0);
  ::close(c.out);
  c.out = -1;
  const bool clean_exit = WIFEXITED(status) && WEXITSTATUS(status) == 0;

  // What the sandbox holds: every tag group, read directly (through the same faults: retried here).
  std::map<std::string, int> stored;  // title -> groups with that title
  bool listed = false;
  {
    httplib::Client direct(sim.url);
    direct.set_keep_alive(true);
    httplib::Headers headers{{"Authorization", std::string("Bearer ") + key}, {"Accept", "application/json"}};
    for (int attempt = 0; attempt < 200 && !listed; ++attempt) {
      auto res = direct.Get("/v2/tag-groups/public", headers);
      if (!res || res->status != 200) continue;
      const json groups = json::parse(res->body, nullptr, false);
      if (groups.is_discarded() || !groups.is_array()) continue;
      for (const auto& g : groups) {
        if (g.contains("title") && g["title"].is_string()) ++stored[g["title"].get<std::string>()];
      }
      listed = true;
    }
  }
  sim.stop();

  // What the sandbox saw: one request-log line per upstream request.
  long upstream = 0, faulted = 0, drops = 0, malformed = 0, posts = 0;
  std::map<int, long> injected;                  // status -> count (error-rate)
  std::map<std::string, int> created_per_title;  // successful POSTs (created, even when the body was then broken)
  {
    std::ifstream log(log_path);
    for (std::string line; std::getline(log, line);) {
      const json r = json::parse(line, nullptr, false);
      if (r.is_discarded()) continue;
      ++upstream;
      const std::string fault = r.value("fault", "");
      if (!fault.empty()) ++faulted;
      if (fault == "drop-rate") ++drops;
      if (fault == "malformed-rate") ++malformed;
      if (fault == "error-rate" && r["status"].is_number()) ++injected[r["status"].get<int>()];
      if (r.value("method", "") == "POST" && r.value("path", "") == "/v2/tag-groups/public") {
        ++posts;
        if (r["status"].is_number() && r["status"].get<int>() / 100 == 2 && r["body"].is_object() &&
            r["body"].contains("title") && r["body"]["title"].is_string()) {
          ++created_per_title[r["body"]["title"].get<std::string>()];
        }
      }
    }
  }
  std::remove(log_path.c_str());

  long answered_once = 0, reads_total = 0, reads_ok = 0, writes_total = 0, writes_ok = 0, writes_failed_created = 0;
  long duplicate_writes = 0, missing_writes = 0, log_duplicates = 0, rpc_errors = 0;
  for (int i = 0; i < calls; ++i) {
    const auto& o = p.outcomes()[static_cast<size_t>(i)];
    if (o.answers == 1) ++answered_once;
    if (o.rpc_error) ++rpc_errors;
    const bool ok = o.answers >= 1 && o.is_error == 0;
    if (!is_write[static_cast<size_t>(i)]) {
      ++reads_total;
      reads_ok += ok;
      continue;
    }
    ++writes_total;
    const std::string title = "soak-" + std::to_string(i);
    const int n = stored.count(title) ? stored[title] : 0;
    if (n > 1) ++duplicate_writes;
    if (created_per_title.count(title) && created_per_title[title] > 1) ++log_duplicates;
    if (ok) {
      ++writes_ok;
      if (n == 0) ++missing_writes;
    } else if (n > 0) {
      ++writes_failed_created;  // e.g. created, then the 2xx body arrived broken: reported as an error, not resent
    }
  }
  const double wall = std::chrono::duration<double>(t1 - t0).count();
  const double read_ok_pct =
      reads_total ? 100.0 * static_cast<double>(reads_ok) / static_cast<double>(reads_total) : 100.0;
  std::string statuses;
  for (const auto& [st, n] : injected)
    statuses += (statuses.empty() ? "" : ",") + std::to_string(st) + ":" + std::to_string(n);

  std::vector<std::string> failures;
  if (!all_answered) failures.push_back("unanswered=" + std::to_string(p.in_flight()));
  if (answered_once != calls || p.duplicates() != 0 || p.unknown_ids() != 0) failures.push_back("not_exactly_once");
  if (read_ok_pct < 99.0) failures.push_back("idempotent_success<99%");
  if (!listed) failures.push_back("could_not_list_tag_groups");
  if (duplicate_writes != 0 || log_duplicates != 0) failures.push_back("duplicate_writes");
  if (missing_writes != 0) failures.push_back("reported_writes_missing");
  if (rss_peak > rss_limit_kib) failures.push_back("rss_peak_over_limit");
  if (rss_warm >= 0 && rss_end - rss_warm > rss_growth_kib) failures.push_back("rss_growth_over_limit");
  if (!clean_exit) failures.push_back("server_exit_status");
  std::string verdict = "PASS";
  if (!failures.empty()) {
    verdict = "FAIL(";
    for (size_t i = 0; i < failures.size(); ++i) verdict += (i ? "," : "") + failures[i];
    verdict += ")";
  }
  std::printf(
      "soak calls=%d in_flight=%d wall_s=%.1f calls_per_s=%.0f upstream_requests=%ld faulted=%ld (%.1f%%: drop=%ld "
      "error=%s malformed=%ld) answered_once=%ld/%d duplicate_answers=%ld unknown_ids=%ld rpc_errors=%ld "
      "idempotent_ok=%ld/%ld (%.3f%%) writes_ok=%ld/%ld writes_failed_but_created=%ld write_posts=%ld "
      "duplicate_writes=%ld missing_writes=%ld mcp_cpu_us_per_call=%.1f rss_kib start=%ld warm=%ld peak=%ld end=%ld "
      "exit=%s %s\n",
      calls, conc, wall, calls / wall, upstream, faulted,
      upstream ? 100.0 * static_cast<double>(faulted) / static_cast<double>(upstream) : 0.0, drops, statuses.c_str(),
      malformed, answered_once, calls, p.duplicates(), p.unknown_ids(), rpc_errors, reads_ok, reads_total, read_ok_pct,
      writes_ok, writes_total, writes_failed_created, posts, duplicate_writes, missing_writes, mcp_cpu * 1e6 / calls,
      rss_start, rss_warm, rss_peak, rss_end, clean_exit ? "0" : "nonzero", verdict.c_str());
  return failures.empty() ? 0 : 1;
}

// ---- export: N conversations through the export tool into a file ----------------------------------

// One export of `rows` sandbox conversations through `fini-mcp serve` (the MCP tool, as a model
// would call it). Peak RSS is the server's VmHWM after the export: flat across sizes = streaming.
// "model bytes" is the whole tools/call response, i.e. everything the export puts in the context.
bool export_once(const std::map<std::string, std::string>& f, const char* key, int rows, const std::string& format) {
  const auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  Sim sim;
  if (!start_sim(f.at("--sim"), {"--scale-conversations", std::to_string(rows), "--now", std::to_string(now_ms)},
                 sim)) {
    return false;
  }
  char dir_template[] = "/tmp/fini-bench-export-XXXXXX";
  const std::string dir = ::mkdtemp(dir_template) != nullptr ? dir_template : "/tmp";
  Child c = spawn({f.at("--mcp"), "serve", "--base-url", sim.url, "--exports-dir", dir}, {{"FINI_API_KEY", key}});
  if (!initialize(c)) {
    std::cerr << "fini-bench export: no initialize response\n";
    return false;
  }
  const long idle_kib = proc_status_kib(c.pid, "VmHWM");
  const long long day = 86400000LL;
  const json args = {{"tool", "list_conversations"},
                     {"format", format},
                     {"arguments", {{"since", now_ms - 151 * day}, {"until", now_ms}}}};
  const auto t0 = Clock::now();
  c.send(tool_call(1, "export", args));
  std::string line;
  while (!c.eof && line.find("\"id\":1") == std::string::npos) line = c.read_line();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const long peak_kib = proc_status_kib(c.pid, "VmHWM");
  const json reply = json::parse(line, nullptr, false);
  const json summary = reply.is_discarded() ? json() : reply["result"].value("structuredContent", json());
  c.close_and_wait();
  sim.stop();
  std::filesystem::remove_all(dir);
  if (!summary.is_object() || summary.value("rows", 0) != rows) {
    std::cerr << "fini-bench export: unexpected reply " << line.substr(0, 400) << "\n";
    return false;
  }
  const double file_bytes = summary.value("bytes", 0.0);
  std::printf(
      "export format=%s rows=%d seconds=%.2f rows_per_s=%.0f peak_rss_kib=%ld (idle %ld) file_bytes=%.0f "
      "model_bytes=%zu (%.4f%% of the file) pages=%d\n",
      format.c_str(), rows, secs, rows / secs, peak_kib, idle_kib, file_bytes, line.size(),
      100.0 * static_cast<double>(line.size()) / file_bytes, summary.value("pages", 0));
  return true;
}

int export_bench(std::map<std::string, std::string> f) {
  const char* key = need_key("export");
  if (key == nullptr) return 2;
  if (!f.count("--mcp") || !f.count("--sim")) {
    std::cerr << "usage: fini-bench export --mcp BIN --sim BIN [--rows 1000,5000,10000] [--format jsonl]\n";
    return 2;
  }
  std::stringstream sizes(f.count("--rows") ? f["--rows"] : "1000,5000,10000");
  const std::string format = f.count("--format") ? f["--format"] : "jsonl";
  for (std::string n; std::getline(sizes, n, ',');) {
    if (!export_once(f, key, std::stoi(n), format)) return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  if (argc < 2) {
    std::cerr << "usage: fini-bench startup|latency|listsize|concurrency|soak|export --mcp BIN ...\n";
    return 2;
  }
  std::string cmd = argv[1];
  auto flags = parse_flags(argc, argv);
  if (cmd == "startup") return startup(flags);
  if (cmd == "latency") return latency(flags);
  if (cmd == "listsize") return listsize(flags);
  if (cmd == "concurrency") return concurrency(flags);
  if (cmd == "soak") return soak(flags);
  if (cmd == "export") return export_bench(flags);
  if (cmd == "outputcheck") return fini::bench::output_check_bench(flags);
  std::cerr << "unknown benchmark " << cmd << "\n";
  return 2;
}
