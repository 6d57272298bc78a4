#include "cli/serve.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/limit_options.hpp"
#include "cli/oauth_wiring.hpp"
#include "cli/server_core.hpp"
#include "common/fd_input.hpp"
#include "common/logging.hpp"
#include "common/signals.hpp"
#include "http/http_server.hpp"
#include "http/trusted_proxies.hpp"
#include "mcp/session.hpp"

namespace fini::cli {

namespace {

// The stdio transport: one MCP session over stdin/stdout until EOF or SIGTERM/SIGINT.
int serve_stdio(const ServeOptions& options, ServerCore& core, mcp::Dispatcher& dispatcher, sigset_t signals) {
  FdInput input_buffer(STDIN_FILENO);
  std::istream input(&input_buffer);
  mcp::SessionOptions session_options = options.session;
  session_options.interrupt_input = [&input_buffer] { input_buffer.interrupt(); };
  std::ios::sync_with_stdio(false);
  session_options.on_log_level = [](mcp::LogLevel level) {
    set_forward_level(std::string(mcp::log_level_name(level)));
  };
  mcp::Session session(session_options, dispatcher, input, std::cout);
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
    if (count == 1)
      session.stop();
    else
      session.cut_short();
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

// "[HOST:]PORT" (HOST default 127.0.0.1; an IPv6 host in brackets).
Result<std::pair<std::string, int>> parse_listen(const std::string& text) {
  std::string host = http::HttpOptions{}.host, port = text;  // HttpOptions states the default host
  if (auto colon = text.rfind(':'); colon != std::string::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  }
  char* end = nullptr;
  const long value = std::strtol(port.c_str(), &end, 10);
  if (host.empty() || port.empty() || *end != '\0' || value < 0 || value > 65535) {
    return invalid_argument("--http takes [HOST:]PORT (e.g. 8080 or 0.0.0.0:8080), not '" + text + "'");
  }
  return std::make_pair(host, static_cast<int>(value));
}

// The Streamable HTTP transport: the same Dispatcher as stdio, a key per request, until SIGTERM
// (drain: stop accepting, finish what is in flight, exit 0).
int serve_http(const ServeOptions& options, ServerCore& core, mcp::Dispatcher& dispatcher, sigset_t signals) {
  auto listen = parse_listen(options.http);
  if (!listen.ok()) {
    std::cerr << "fini-mcp: " << listen.status().message() << "\n";
    return 2;
  }
  http::HttpOptions http_options = options.listener;
  http_options.host = listen->first;
  http_options.port = listen->second;
  http_options.allowed_origins = {options.allowed_origins.begin(), options.allowed_origins.end()};
  if (auto trusted = http::set_trusted_proxies({options.trusted_proxies}); !trusted.ok()) {
    std::cerr << "fini-mcp: " << trusted.message() << "\n";
    return 2;
  }
  http_options.drain_timeout = options.session.drain_timeout;  // one --drain-ms for both transports
  http_options.keyless_key = core.sandbox_key;
  auto limits = make_abuse_limits(options);
  if (!limits.ok()) {
    std::cerr << "fini-mcp: " << limits.status().message() << "\n";
    return 2;
  }
  http_options.limits = *limits;
  auto ring = make_server_ring(options);
  if (!ring.ok()) {
    std::cerr << "fini-mcp: " << ring.status().message() << "\n";
    return exit_code_for(ring.status());
  }
  http_options.sealing = *ring;  // 2026-07-28 requestStates: replicas with one secret file open each other's
  auto auth = make_auth_server(options, core, **ring, *limits);
  if (!auth.ok()) {
    std::cerr << "fini-mcp: " << auth.status().message() << "\n";
    return exit_code_for(auth.status());
  }
  http_options.auth = auth->get();
  if (auto* a = auth->get()) http_options.extra_metrics = [a] { return a->render_metrics(); };
  http::McpHttpServer server(http_options, dispatcher);
  if (auto bound = server.bind(); !bound.ok()) {
    std::cerr << "fini-mcp: " << bound.message() << "\n";
    return exit_code_for(bound);
  }
  // The first stdout line says where we listen (port 0 picks one), as fini-sim does.
  std::cout << nlohmann::json{{"url", server.url()}}.dump() << std::endl;
  spdlog::info("serving MCP over HTTP at {}", server.url());

  std::thread drainer;
  {
    SignalWatcher watcher(signals, [&server, &drainer](int count, int sig) {
      spdlog::info("signal {}: {}", sig, count == 1 ? "draining" : "cutting the drain short");
      // drain() blocks until the calls in flight end; run it off the watcher so a second signal is seen.
      if (count == 1)
        drainer = std::thread([&server] { server.drain(); });
      else
        server.cut_short();
    });
    server.run();
  }
  if (drainer.joinable()) drainer.join();
  return 0;
}

}  // namespace

int run_serve(const ServeOptions& options) {
  // Termination signals are awaited by the SignalWatcher (no async handlers); block them before
  // any thread starts.
  sigset_t signals = block_termination_signals();
  ServeOptions effective = options;
  // export writes files on the serving machine and query_export reads them back: meaningless to a
  // remote user, and a stateless replica cannot find the file another replica wrote.
  if (!options.http.empty()) effective.export_tools = false;
  auto core = build_server_core(effective);
  if (!core.ok()) {
    std::cerr << "fini-mcp: " << core.status().message() << "\n";
    return exit_code_for(core.status());
  }
  // The method table, built once for whichever transport serves it.
  mcp::DispatchOptions dispatch = effective.dispatch;
  dispatch.instructions = kServerInstructions;
  mcp::Dispatcher dispatcher(dispatch);
  dispatcher.set_tools((*core)->tools.get());
  if (auto* prompts = (*core)->prompts()) dispatcher.set_prompts(prompts);
  if ((*core)->resources) dispatcher.set_resources((*core)->resources.get());
  if (!options.http.empty()) return serve_http(effective, **core, dispatcher, signals);
  return serve_stdio(effective, **core, dispatcher, signals);
}

}  // namespace fini::cli
