#pragma once
// Process logging: spdlog to stderr (or a file), never stdout — stdout belongs to JSON-RPC.
// setup_logging is called once at start-up (may throw on a bad file path); afterwards
// spdlog's default logger is thread-safe.

#include <string>

namespace fini {

struct LogOptions {
  std::string level = "warning";  // RFC 5424-ish names or spdlog names
  std::string file;               // empty: stderr
};

void setup_logging(const LogOptions& options);

}  // namespace fini
