#include "cli/doctor.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "cli/cli_context.hpp"
#include "cli/doctor_probe.hpp"
#include "cli/doctor_questions.hpp"
#include "cli/paths.hpp"
#include "common/version.hpp"
#include "tools/context_key_asker.hpp"
#include "tools/manifest.hpp"

namespace fini::cli {

using nlohmann::json;

namespace {

// "http://user:pass@proxy:3128/" → "http://proxy:3128/": credentials never reach the report.
std::string without_userinfo(std::string url) {
  const auto scheme = url.find("://");
  const auto from = scheme == std::string::npos ? 0 : scheme + 3;
  const auto at = url.find('@', from);
  if (at != std::string::npos && url.find('/', from) > at) url.erase(from, at + 1 - from);
  return url;
}

std::string env_value(const char* upper, const char* lower) {
  const char* v = std::getenv(upper);
  if (v == nullptr || *v == '\0') v = std::getenv(lower);
  return v == nullptr ? std::string() : std::string(v);
}

std::string proxy_text() {
  const std::string proxy = env_value("HTTPS_PROXY", "https_proxy");
  const std::string no_proxy = env_value("NO_PROXY", "no_proxy");
  std::string out = proxy.empty() ? "none: HTTPS_PROXY is not set, so the connection is direct"
                                  : "HTTPS_PROXY is set: " + without_userinfo(proxy);
  if (!no_proxy.empty()) out += "; NO_PROXY is set";
  return out;
}

std::string tls_text(const std::string& base_url, const std::string& ca_file) {
  if (base_url.rfind("https://", 0) != 0) return "no: plain HTTP (allowed only to a loopback address)";
  return "yes, certificate verified against " +
         (ca_file.empty() ? std::string("the system CA store") : "--ca-file " + ca_file);
}

void print(const DoctorReport& report, const DoctorOptions& options) {
  if (options.json)
    std::cout << render_json(report).dump(2) << std::endl;
  else
    std::cout << render_text(report) << std::flush;
}

}  // namespace

CLI::App* add_doctor_command(CLI::App& app, DoctorOptions& options) {
  auto* cmd = app.add_subcommand("doctor",
                                 "read-only check of a Fini workspace: outputSchema drift, open API questions, "
                                 "latency (exit 1 when something differs)");
  cmd->add_flag("--json", options.json, "print the report as one JSON object");
  return cmd;
}

int run_doctor(ServeOptions serve, const DoctorOptions& options) {
  // The client refuses every method but GET, except the two read POSTs the manifests vouch for.
  serve.read_only = true;
  auto manifests = load_manifests_for(serve);
  if (!manifests.ok()) {
    std::cerr << "fini-mcp doctor: " << manifests.status().message() << "\n";
    return 2;
  }
  int exit_code = 0;
  auto core = build_keyed_core(serve, "doctor", &exit_code);
  if (!core) return exit_code;
  CliContext ctx;
  tools::ContextKeyAsker asker(ctx);
  auto key = core->credentials->key(asker);
  if (!key.ok()) {
    std::cerr << "fini-mcp doctor: " << key.status().message() << "\n";
    return 2;
  }
  DoctorReport report;
  report.version = kVersion;
  report.base_url = core->base_url;
  report.tls = tls_text(core->base_url, serve.ca_file);
  report.proxy = proxy_text();
  DoctorProbe probe(*core->http, *key, *manifests, report);
  run_checks(probe, report, core->credentials->source());
  if (auto learned = core->credentials->scopes(); learned && !learned->empty()) {
    std::string list;
    for (const auto& s : *learned) list += (list.empty() ? "" : ", ") + s;
    report.scopes += "; the stored profile has seen: " + list;
  }
  print(report, options);
  return report.exit_code();
}

}  // namespace fini::cli
