#include "cli/serve.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/server_core.hpp"
#include "common/fd_input.hpp"
#include "common/logging.hpp"
#include "common/signals.hpp"
#include "mcp/session.hpp"

namespace fini::cli {

namespace {

// The stdio transport: one MCP session over stdin/stdout until EOF or SIGTERM/SIGINT.
int serve_stdio(const ServeOptions& options, ServerCore& core, sigset_t signals) {
  FdInput input_buffer(STDIN_FILENO);
  std::istream input(&input_buffer);
  mcp::SessionOptions session_options;
  session_options.instructions = kServerInstructions;
  session_options.workers = options.workers;
  session_options.page_size = options.page_size;
  session_options.max_line_bytes = options.max_line_bytes;
  session_options.drain_timeout = std::chrono::milliseconds(options.drain_ms);
  session_options.interrupt_input = [&input_buffer] { input_buffer.interrupt(); };
  std::ios::sync_with_stdio(false);
  session_options.on_log_level = [](mcp::LogLevel level) { set_forward_level(std::string(mcp::log_level_name(level))); };
  mcp::Session session(session_options, input, std::cout);
  session.set_tools(core.tools.get());
  if (auto* prompts = core.prompts()) session.set_prompts(prompts);
  if (core.resources) session.set_resources(core.resources.get());
  core.fini_tools->on_list_changed([&session] { session.notify_tools_changed(); });
  // Process logs reach the client as notifications/message once it asks (logging/setLevel).
  set_log_forwarder(
      [](void* context, const char* level, const std::string& message) {
        if (auto parsed = mcp::parse_log_level(level)) {
          static_cast<mcp::Session*>(context)->log(*parsed, "fini-mcp", message);
        }
      },
      &session);

  // SIGTERM/SIGINT: the first stops reading and drains running calls; a second cuts the drain
  // short. Every request read is answered either way.
  SignalWatcher watcher(signals, [&session](int count, int sig) {
    spdlog::info("signal {}: {}", sig, count == 1 ? "shutting down" : "cutting the drain short");
    if (count == 1) session.stop();
    else session.cut_short();
  });

  if (!session.run()) {
    // Work still running past the drain and the abort grace (nothing should be): leave now
    // rather than make the client wait; there is nobody left to answer. Output is closed.
    spdlog::warn("exiting with requests still in flight");
    std::_Exit(0);
  }
  set_log_forwarder(nullptr, nullptr);  // the session is about to go away
  return 0;
}

}  // namespace

int run_serve(const ServeOptions& options) {
  // Termination signals are awaited by the SignalWatcher (no async handlers); block them before
  // any thread starts.
  sigset_t signals = block_termination_signals();
  auto core = build_server_core(options);
  if (!core.ok()) {
    std::cerr << "fini-mcp: " << core.status().message() << "\n";
    return exit_code_for(core.status());
  }
  return serve_stdio(options, **core, signals);
}

}  // namespace fini::cli
