#pragma once
// `fini-mcp doctor`: a read-only check of a real Fini workspace (or the sandbox), for a support
// ticket. It sends only GET routes and the two read-scope POSTs (check_knowledge_jobs,
// get_articles_by_ids), through a client that refuses anything else, at most ~40 requests. The
// report holds no key and no customer data: shapes, counts, status codes and timings, every read
// tool's answer checked against its outputSchema (drift by JSON pointer), and the answers to the
// questions Fini's docs leave open. Exit 0: everything matches; 1: drift, a documented behaviour
// that differs, or no usable answer; 2: usage or configuration.

#include <CLI/CLI.hpp>

#include "cli/serve.hpp"

namespace fini::cli {

struct DoctorOptions {
  bool json = false;  // --json: one JSON object on stdout instead of the text report
};

// Registers `doctor` and its own flags; the caller adds the shared serve options (key, base URL).
CLI::App* add_doctor_command(CLI::App& app, DoctorOptions& options);
int run_doctor(ServeOptions serve, const DoctorOptions& options);

}  // namespace fini::cli
