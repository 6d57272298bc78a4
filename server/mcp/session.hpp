#pragma once
// One MCP session over a pair of streams: lifecycle (initialize once), batches, a worker pool for tool calls, cancellation, progress, logging notifications and
// server→client requests; the methods themselves are the shared Dispatcher's. The reader is the thread that calls run(); replies are written by
// one Writer. Every request gets exactly one reply unless the client cancelled it.
// Thread-safety: run() once; notify_*/log may be called from any thread. Never throws from
// run() (a handler exception becomes -32603).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>

#include "jsonrpc/message.hpp"
#include "jsonrpc/writer.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/modern_era.hpp"
#include "mcp/providers.hpp"
#include "mcp/worker_pool.hpp"

namespace fini::mcp {

struct SessionOptions {
  std::string server_title = "Fini";
  std::string instructions;
  // Tool calls running at once (worker threads, started on demand; upstream connections are
  // pooled to match). Calls read beyond it wait in a queue of `max_queued`; past that the
  // reader stops reading input until one finishes (backpressure, never unbounded buffering).
  std::size_t workers = 64;
  std::size_t max_queued = 64;
  std::size_t max_line_bytes = 16u * 1024u * 1024u;
  std::size_t page_size = 0;  // 0: lists return everything in one page
  // Shutdown (EOF, stop()): calls already running get this long to finish with their real
  // answer; then they are cancelled (their sockets shut) and get `abort_grace` to answer that.
  std::chrono::milliseconds drain_timeout{10000};
  std::chrono::milliseconds abort_grace{2000};
  // Called by stop() so a reader blocked on input returns at once (e.g. FdInput::interrupt).
  std::function<void()> interrupt_input;
  // Called when the client sets its log level (e.g. to route process logs to the client).
  std::function<void(LogLevel)> on_log_level;
};

class Session {
 public:
  Session(SessionOptions options, std::istream& in, std::ostream& out);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void set_tools(ToolProvider* tools) { dispatcher_.set_tools(tools); }
  void set_prompts(PromptProvider* prompts) { dispatcher_.set_prompts(prompts); }
  void set_resources(ResourceProvider* resources) { dispatcher_.set_resources(resources); }

  // Reads until EOF or stop(), then shuts down: no new calls; calls not yet started are
  // answered "not sent"; running calls get drain_timeout to finish, then are cancelled and
  // answered. Returns true when every request read was answered (false: some were abandoned
  // after abort_grace and output is closed).
  bool run();
  // Asks run() to finish (e.g. on SIGTERM); safe from any thread, not from a signal handler.
  void stop();
  // Ends the drain now (a second SIGTERM/SIGINT): running calls are cancelled and answered.
  void cut_short();
  // Stops all further output (waits for a write in progress); used right before exiting.
  void close_output();

  // Server-initiated notifications (any thread).
  void notify_tools_changed();
  void log(LogLevel level, const std::string& logger, const Json& data);


 private:
  struct InFlight;
  class Context;
  struct Outbound;
  struct BatchReply;

  void handle_line(const std::string& line);
  std::optional<Json> handle_message(const jsonrpc::Message& message, bool in_batch);
  std::optional<Json> handle_request(const jsonrpc::Request& request);
  std::optional<Json> handle_modern(const jsonrpc::Request& request);
  void handle_notification(const jsonrpc::Notification& notification);
  void handle_response(const jsonrpc::Response& response);

  void start_tool_call(const jsonrpc::Request& request, std::shared_ptr<BatchReply> batch = nullptr, bool modern = false);
  void run_tool_call(const std::shared_ptr<InFlight>& state, const std::string& key, const jsonrpc::Request& request);
  void finish(const std::string& key, const Json& reply);
  void deliver(InFlight& state, const Json& reply);
  void wait_for_capacity();
  bool shutdown();
  void fail_outbound(const std::string& why);
  void cancel_all(const std::string& reason, bool client_gone);

  Result<Json> send_request(const std::string& method, const Json& params,
                            std::chrono::milliseconds timeout, const CancelToken* cancelled);
  void write(const Json& message);

  SessionOptions options_;
  std::istream& in_;
  jsonrpc::Writer writer_;
  Dispatcher dispatcher_;  // the method table shared with every other transport
  ModernEra modern_{dispatcher_};  // 2026-07-28 requests, told apart per message
  WorkerPool pool_;

  enum class State { kNew, kInitialized };
  std::atomic<State> state_{State::kNew};
  std::string protocol_version_;
  ClientInfo client_;
  std::atomic<int> log_level_{-1};  // -1: client did not ask for log notifications

  mutable std::mutex mutex_;
  std::condition_variable idle_cv_;
  std::map<std::string, std::shared_ptr<InFlight>> in_flight_;
  std::map<std::string, std::shared_ptr<Outbound>> outbound_;
  std::uint64_t next_outbound_id_ = 1;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> cut_short_{false};
  std::atomic<bool> aborting_{false};  // the drain is over: calls not yet started are not sent
  std::atomic<bool> disconnected_{false};
};

}  // namespace fini::mcp
