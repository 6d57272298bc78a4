// fini-bench outputcheck: what the drift guard (tools/output_check) costs per tools/call, in CPU
// time of the calling thread (the tool call runs there end to end; the in-process sandbox answers
// on its own threads, so its CPU is not counted). The same calls are made through two providers,
// one with the output check and one without, interleaved, and the check alone is timed too.
#include "output_check_bench.hpp"

#include <spdlog/spdlog.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cli/cli_context.hpp"
#include "credentials/credentials.hpp"
#include "rest/http_client.hpp"
#include "sim/sandbox.hpp"
#include "tools/fini_tools.hpp"
#include "tools/manifest.hpp"

namespace fini::bench {

namespace {

using nlohmann::json;

class FixedKey final : public credentials::Credentials {
 public:
  explicit FixedKey(std::string key) : key_(std::move(key)) {}
  Result<std::string> key(credentials::KeyAsker&) override { return key_; }
  void observe(const std::string&, int, const std::string&, bool) override {}

 private:
  std::string key_;
};

double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

struct Case {
  std::string tool;
  json args;
};

double cpu_per_call(tools::FiniToolProvider& provider, const Case& c, int calls, json* last = nullptr) {
  cli::CliContext ctx;
  const double start = thread_cpu_us();
  for (int i = 0; i < calls; ++i) {
    auto r = provider.call_tool(c.tool, c.args, ctx);
    if (!r.ok() || r->value("isError", false)) {
      std::cerr << "outputcheck: " << c.tool << " failed\n";
      return -1;
    }
    if (last != nullptr && i + 1 == calls) *last = std::move(*r);
  }
  return (thread_cpu_us() - start) / calls;
}

// The check alone on a real answer (it conforms, so coerce() only validates and changes nothing).
double check_us(const tools::OutputCheck& check, json& structured, int calls) {
  const double start = thread_cpu_us();
  std::size_t drift = 0;
  for (int i = 0; i < calls * 10; ++i) drift += check.coerce(structured).size();
  if (drift != 0) std::cerr << "outputcheck: the sandbox answer drifted\n";
  return (thread_cpu_us() - start) / (calls * 10);
}

const tools::Manifest* find(const std::vector<tools::Manifest>& all, const std::string& name) {
  for (const auto& m : all) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

}  // namespace

int output_check_bench(std::map<std::string, std::string>& f) {
  if (!f.count("--manifests")) {
    std::cerr << "usage: fini-bench outputcheck --manifests DIR [--calls N]\n";
    return 2;
  }
  const int calls = f.count("--calls") ? std::stoi(f["--calls"]) : 300;
  spdlog::set_level(spdlog::level::warn);  // one info line per call would be measured too
  auto loaded = tools::load_manifests(f["--manifests"]);
  auto sandbox = sim::Sandbox::start({});
  if (!loaded.issues.empty() || !sandbox.ok()) return std::cerr << "outputcheck: setup failed\n", 1;
  rest::ClientOptions client;
  client.base = *rest::parse_base_url((*sandbox)->url());
  auto http = rest::make_http_client(client);
  FixedKey key("fini_sandbox_acme_rw_1d9a7e3c52");  // the sandbox's public key (sim/fixtures/keys.json)
  tools::CallOptions with, without;
  without.check_output = false;
  tools::FiniToolProvider checked(loaded.manifests, {}, *http, key, (*sandbox)->url(), with);
  tools::FiniToolProvider unchecked(loaded.manifests, {}, *http, key, (*sandbox)->url(), without);
  const std::vector<Case> cases = {{"list_agents", json::object()},
                                   {"list_conversations", json{{"limit", 100}}},
                                   {"list_sources", json{{"limit", 100}}}};
  double sum_check = 0, sum_call = 0;
  for (const auto& c : cases) {
    // Warm both (connections, caches), then alternate rounds so changes in machine load hit both.
    json result;
    cpu_per_call(checked, c, 5);
    cpu_per_call(unchecked, c, 5, &result);
    double on = 0, off = 0;
    for (int round = 0; round < 4; ++round) {
      off += cpu_per_call(unchecked, c, calls / 4);
      on += cpu_per_call(checked, c, calls / 4);
    }
    on /= 4;
    off /= 4;
    auto check = tools::OutputCheck::compile(find(loaded.manifests, c.tool)->output_schema);
    const double alone = check_us(*check, result["structuredContent"], calls);
    sum_check += alone;
    sum_call += off;
    std::printf(
        "output-schema check %-20s %.1f µs/call alone (%zu bytes of JSON); call without it %.1f µs CPU, "
        "ratio %.3f; A/B of whole calls: with %.1f µs, without %.1f µs\n",
        c.tool.c_str(), alone, result["structuredContent"].dump().size(), off, (off + alone) / off, on, off);
  }
  const double n = static_cast<double>(cases.size());
  std::printf(
      "output-schema check: %.1f µs/call, ratio %.3f (mean of %zu tools; the check timed alone on the "
      "sandbox's answers, the call without it over loopback HTTP; thread CPU)\n",
      sum_check / n, (sum_call + sum_check) / sum_call, cases.size());
  return 0;
}

}  // namespace fini::bench
