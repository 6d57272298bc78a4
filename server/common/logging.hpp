#pragma once
// Process logging: spdlog to stderr (or a file), never stdout — stdout belongs to JSON-RPC.
// setup_logging is called once at start-up (may throw on a bad file path); afterwards
// spdlog's default logger is thread-safe.

#include <string>
#include <string_view>

namespace fini {

struct LogOptions {
  std::string level = "warning";  // RFC 5424-ish names or spdlog names
  std::string file;               // empty: stderr
};

// `redact` is applied to every record before it reaches stderr/the file or the client, so a
// key that slipped into a message (an upstream error echoing a header, say) is never written.
using LogRedactor = std::string (*)(std::string_view text);
void setup_logging(const LogOptions& options, LogRedactor redact = nullptr);

// Forwards log records to the MCP client (notifications/message) once it asked for them.
// `forward` receives an RFC 5424 level name and the message; records below `min_level`
// (an RFC 5424 name, or "off") are not forwarded. Thread-safe; call after setup_logging.
using LogForwarder = void (*)(void* context, const char* level, const std::string& message);
void set_log_forwarder(LogForwarder forward, void* context);
void set_forward_level(const std::string& min_level);

}  // namespace fini
