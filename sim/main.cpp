// fini-sim: run the Fini sandbox from the command line. Prints {"url": "..."} as the first stdout
// line, logs to stderr, exits 0 on SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/logging.hpp"
#include "common/signals.hpp"
#include "sim/sandbox.hpp"

int main(int argc, char** argv) {
  fini::sim::SandboxOptions o;
  std::string error_rate, rate_limit, log_level = "info";
  int64_t now = -1;
  int scale_conversations = -1;

  CLI::App app{"fini-sim: a local Fini API v2 sandbox"};
  app.add_option("--host", o.host, "Address to bind")->capture_default_str();
  app.add_option("--port", o.port, "Port; 0 picks a free one")->capture_default_str();
  app.add_option("--tls-cert", o.tls_cert_file, "PEM certificate (enables HTTPS with --tls-key)");
  app.add_option("--tls-key", o.tls_key_file, "PEM private key");
  app.add_option("--fixtures", o.fixtures_dir, "Fixture directory (default: the built-in copy)");
  app.add_option("--state", o.state_file, "State file: loaded if present, rewritten atomically after each write");
  app.add_option("--job-step-ms", o.job_step_ms, "Duration of each job stage; 0 = instant")->capture_default_str();
  app.add_option("--now", now, "Pin the start time (epoch ms) for deterministic seeds");
  app.add_option("--scale-conversations", scale_conversations,
                 "Generate N acme conversations instead of the fixture's 320 (same seed, same span)")
      ->check(CLI::Range(0, 1000000));
  app.add_option("--request-log", o.request_log_file, "Append one JSON line per request here");
  app.add_option("--threads", o.threads, "Worker threads")->capture_default_str();
  app.add_option("--max-body-bytes", o.max_body_bytes, "Request body limit (413 above)")->capture_default_str();
  app.add_option("--latency-ms", o.faults.latency_mean_ms, "Mean added latency");
  app.add_option("--latency-jitter-ms", o.faults.latency_jitter_ms, "Uniform +/- jitter on the latency");
  app.add_option(
      "--error-rate", error_rate,
      "P[:STATUS[,STATUS...]]: answer STATUS (default 500; a list: one picked at random) with probability P");
  app.add_option("--rate-limit", rate_limit, "RPS[:BURST]: token bucket; 429 + Retry-After when empty");
  app.add_option("--drop-rate", o.faults.drop_rate, "Probability of closing the connection without a response");
  app.add_option("--malformed-rate", o.faults.malformed_rate, "Probability of a truncated JSON body with 200");
  app.add_option("--fault-seed", o.faults.seed, "PRNG seed for the fault flags")->capture_default_str();
  app.add_flag("--allow-fault-header", o.faults.allow_header, "Honour the X-Sim-Fault request header");
  app.add_option("--route-fault", o.faults.route_faults,
                 "\"METHOD PATH-PREFIX DIRECTIVES\": the first request(s) of that route get the fault "
                 "(X-Sim-Fault directives, plus times=N, default 1); repeatable");
  std::vector<std::string> drift;
  app.add_option("--drift", drift,
                 "OPERATION[:FIELD]: that route's answers change field types (integers become digit strings, booleans "
                 "strings, a top-level array an object); repeatable");
  app.add_flag("--ignore-agent-filter", o.faults.ignore_agent_filter,
               "list conversations ignores agentId (as a real API might)");
  app.add_option("--log-level", log_level, "debug, info, warning, error")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  fini::setup_logging({log_level, ""});
  if (now >= 0) o.now_ms = now;
  if (scale_conversations >= 0) o.conversation_counts["acme"] = scale_conversations;
  if (!error_rate.empty()) {
    auto s = fini::sim::parse_error_rate(error_rate, o.faults);
    if (!s.ok()) return std::cerr << "fini-sim: " << s.message() << "\n", 2;
  }
  for (const auto& spec : o.faults.route_faults) {
    auto f = fini::sim::parse_route_fault(spec);
    if (!f.ok()) return std::cerr << "fini-sim: " << f.status().message() << "\n", 2;
  }
  if (!rate_limit.empty()) {
    auto s = fini::sim::parse_rate_limit(rate_limit, o.faults);
    if (!s.ok()) return std::cerr << "fini-sim: " << s.message() << "\n", 2;
  }

  for (const auto& spec : drift) {
    if (auto s = fini::sim::parse_drift(spec, o.faults); !s.ok())
      return std::cerr << "fini-sim: " << s.message() << "\n", 2;
  }

  // Block the signals before any thread starts so only sigwait below receives them.
  sigset_t set = fini::block_termination_signals();

  auto sandbox = fini::sim::Sandbox::start(o);
  if (!sandbox.ok()) {
    std::cerr << "fini-sim: " << sandbox.status().message() << "\n";
    return 1;
  }
  std::cout << nlohmann::json{{"url", (*sandbox)->url()}}.dump() << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  (*sandbox)->stop();
  return 0;
}
