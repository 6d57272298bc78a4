#pragma once
// The stdio transport: one MCP session over a pair of streams. It reads lines, picks each
// message's era (which keeps this session's lifecycle: initialize once, batches where the
// revision has them), and hands tool calls to the CallEngine with a reply sink (one line, or one
// member of a batch written as one array). The reader is the thread that calls run(); replies are
// written by one Writer. Every request gets exactly one reply unless the client cancelled it.
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
#include "mcp/engine.hpp"
#include "mcp/eras.hpp"
#include "mcp/providers.hpp"

namespace fini::mcp {

struct SessionOptions {
  // Tool calls running at once (worker threads, started on demand; upstream connections are
  // pooled to match). Calls read beyond it wait in a queue of `max_queued`; past that the
  // reader stops reading input until one finishes (backpressure, never unbounded buffering).
  std::size_t workers = 64;
  std::size_t max_queued = 64;
  std::size_t max_line_bytes = 16u * 1024u * 1024u;
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
  // `dispatcher` (the method table, built once by the wiring) outlives the session.
  Session(SessionOptions options, Dispatcher& dispatcher, std::istream& in, std::ostream& out);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

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
  class Call;
  struct BatchReply;

  void handle_line(const std::string& line);
  std::optional<Json> handle_message(jsonrpc::Message& message, const std::shared_ptr<BatchReply>& batch);
  std::optional<Json> handle_batch(const jsonrpc::Batch& batch);
  std::optional<Json> handle_request(jsonrpc::Request& request, const std::shared_ptr<BatchReply>& batch);
  void handle_notification(const jsonrpc::Notification& notification);
  void write(const Json& message);

  SessionOptions options_;
  std::istream& in_;
  jsonrpc::Writer writer_;
  std::atomic<int> log_level_{-1};  // -1: client did not ask for log notifications
  Eras eras_;                       // picked per message; they keep this session's lifecycle
  std::atomic<bool> stopping_{false};
  std::atomic<bool> disconnected_{false};
  CallEngine engine_;  // last: its workers use everything above until it is gone
};

}  // namespace fini::mcp
