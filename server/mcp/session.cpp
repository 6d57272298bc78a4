#include "mcp/session.hpp"

#include <spdlog/spdlog.h>

#include <limits>

#include "common/version.hpp"
#include "jsonrpc/line_reader.hpp"

namespace fini::mcp {

using jsonrpc::Error;
using jsonrpc::make_error;
using jsonrpc::make_result;

struct Session::InFlight {
  Json id;
  std::shared_ptr<BatchReply> batch;  // set for a member of a 2025-03-26 batch
  CancelToken cancel;
  std::atomic<bool> client_cancelled{false};  // the client asked: no reply at all
  std::mutex mutex;  // guards done/last_progress so progress never follows the reply
  bool done = false;
  Json progress_token;  // null: no progress requested
  bool modern = false;  // a 2026-07-28 request: runs through the modern adapter
  double last_progress = -std::numeric_limits<double>::infinity();
};

// The replies of one batch, written as one array when its last member is answered.
struct Session::BatchReply {
  std::mutex mutex;
  Json replies = Json::array();
  std::size_t pending = 1;  // the reader holds one until every member is dispatched
};

struct Session::Outbound {
  std::mutex mutex;
  std::condition_variable cv;
  std::optional<Result<Json>> result;
};

class Session::Context final : public CallContext {
 public:
  Context(Session& session, std::shared_ptr<InFlight> state) : session_(session), state_(std::move(state)) {}

  const CancelToken& cancel_token() const override { return state_->cancel; }

  void progress(double value, std::optional<double> total, const std::string& message) override {
    if (state_->progress_token.is_null()) return;
    std::lock_guard lock(state_->mutex);
    if (state_->done || value <= state_->last_progress) return;
    state_->last_progress = value;
    Json params{{"progressToken", state_->progress_token}, {"progress", value}};
    if (total) params["total"] = *total;
    if (!message.empty()) params["message"] = message;
    session_.write(jsonrpc::make_notification("notifications/progress", std::move(params)));
  }

  void log(LogLevel level, const std::string& logger, const Json& data) override {
    session_.log(level, logger, data);
  }

  const ClientInfo& client() const override { return session_.client_; }

  Result<Json> request(const std::string& method, const Json& params,
                       std::chrono::milliseconds timeout) override {
    return session_.send_request(method, params, timeout, &state_->cancel);
  }

  void notify(const std::string& method, const Json& params) override {
    session_.write(jsonrpc::make_notification(method, params));
  }

 private:
  Session& session_;
  std::shared_ptr<InFlight> state_;
};

namespace {

DispatchOptions dispatch_options(const SessionOptions& options) {
  return DispatchOptions{options.server_title, options.instructions, options.page_size};
}

}  // namespace

Session::Session(SessionOptions options, std::istream& in, std::ostream& out)
    : options_(std::move(options)), in_(in), writer_(out), dispatcher_(dispatch_options(options_)), pool_(options_.workers) {}

Session::~Session() { pool_.shutdown(); }

void Session::write(const Json& message) {
  writer_.write(message);
  // The client closed our output: nobody can read an answer any more, so stop the work.
  if (writer_.failed() && !disconnected_.exchange(true)) {
    spdlog::info("the client closed the output; stopping");
    stop();
    cancel_all("the client disconnected", /*client_gone=*/true);
  }
}

bool Session::run() {
  jsonrpc::LineReader reader(in_, options_.max_line_bytes);
  std::string line;
  while (!stopping_.load()) {
    wait_for_capacity();
    if (stopping_.load()) break;
    auto status = reader.next(line);
    if (status == jsonrpc::LineReader::Status::kEof) break;
    if (status == jsonrpc::LineReader::Status::kOversized) {
      write(make_error(nullptr, Error{jsonrpc::kInvalidRequest,
                                      "Invalid Request: message exceeds the " +
                                          std::to_string(options_.max_line_bytes) + "-byte line limit",
                                      nullptr}));
      continue;
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank keep-alive lines
    handle_line(line);
  }
  return shutdown();
}

void Session::wait_for_capacity() {
  const std::size_t cap = std::max<std::size_t>(options_.workers, 1) + options_.max_queued;
  std::unique_lock lock(mutex_);
  idle_cv_.wait(lock, [&] { return stopping_.load() || in_flight_.size() < cap; });
}

void Session::fail_outbound(const std::string& why) {
  std::lock_guard lock(mutex_);
  for (auto& [id, out] : outbound_) {
    std::lock_guard olock(out->mutex);
    out->result = Status(Code::kCancelled, why);
    out->cv.notify_all();
  }
  outbound_.clear();
}

void Session::cancel_all(const std::string& reason, bool client_gone) {
  std::vector<std::shared_ptr<InFlight>> running;
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, state] : in_flight_) running.push_back(state);
  }
  for (auto& state : running) {
    if (client_gone) state->client_cancelled = true;
    state->cancel.cancel(reason);
  }
}

bool Session::shutdown() {
  stopping_ = true;
  fail_outbound("the server is shutting down");
  std::unique_lock lock(mutex_);
  auto idle = [this] { return in_flight_.empty(); };
  // Running calls finish with Fini's real answer, unless the drain is cut short.
  idle_cv_.wait_for(lock, options_.drain_timeout, [&] { return idle() || cut_short_.load(); });
  if (!idle()) {
    aborting_ = true;
    lock.unlock();
    spdlog::warn("shutting down: cancelling the calls still running");
    cancel_all("the server is shutting down", /*client_gone=*/false);
    lock.lock();
    idle_cv_.wait_for(lock, options_.abort_grace, idle);
  }
  const bool answered = idle();
  lock.unlock();
  // Work abandoned past the grace period must not write half a line while the process exits.
  if (!answered) writer_.close();
  return answered;
}

void Session::close_output() { writer_.close(); }

void Session::stop() {
  stopping_ = true;
  idle_cv_.notify_all();
  if (options_.interrupt_input) options_.interrupt_input();
}

void Session::cut_short() {
  cut_short_ = true;
  stop();
}

void Session::handle_line(const std::string& line) {
  auto message = jsonrpc::parse_line(line);
  try {
    if (auto reply = handle_message(message, false)) write(*reply);
  } catch (const std::exception& e) {
    // The one catch-all on the reader path: answer and keep serving.
    spdlog::error("internal error while handling a message: {}", e.what());
    Json id = std::holds_alternative<jsonrpc::Request>(message) ? std::get<jsonrpc::Request>(message).id : Json();
    write(make_error(id, Error{jsonrpc::kInternalError, "Internal error", nullptr}));
  }
}

std::optional<Json> Session::handle_message(const jsonrpc::Message& message, bool in_batch) {
  if (auto* request = std::get_if<jsonrpc::Request>(&message)) return handle_request(*request);
  if (auto* notification = std::get_if<jsonrpc::Notification>(&message)) {
    handle_notification(*notification);
    return std::nullopt;
  }
  if (auto* response = std::get_if<jsonrpc::Response>(&message)) {
    handle_response(*response);
    return std::nullopt;
  }
  if (auto* invalid = std::get_if<jsonrpc::Invalid>(&message)) return make_error(invalid->id, invalid->error);
  const auto& batch = std::get<jsonrpc::Batch>(message);
  if (in_batch) return make_error(nullptr, Error{jsonrpc::kInvalidRequest, "Invalid Request: nested batch", nullptr});
  // Batching exists only in 2025-03-26; every other revision forbids it.
  if (state_.load() != State::kInitialized || protocol_version_ != "2025-03-26") {
    return make_error(nullptr, Error{jsonrpc::kInvalidRequest,
                                     "Invalid Request: JSON-RPC batches are not supported in this protocol version",
                                     nullptr});
  }
  if (batch.items.empty()) return make_error(nullptr, Error{jsonrpc::kInvalidRequest, "Invalid Request: empty batch", nullptr});
  // Tool calls in the batch run on workers like any other (the reader stays free for ping and
  // cancellation); the array goes out when the last member is answered.
  auto collected = std::make_shared<BatchReply>();
  for (const auto& item : batch.items) {
    auto member = jsonrpc::classify(item);
    if (auto* request = std::get_if<jsonrpc::Request>(&member);
        request != nullptr && Dispatcher::is_tool_call(request->method) && !dispatcher_.check_call(*request) &&
        state_.load() == State::kInitialized) {
      {
        std::lock_guard lock(collected->mutex);
        ++collected->pending;
      }
      start_tool_call(*request, collected);
      continue;
    }
    if (auto reply = handle_message(member, true)) {
      std::lock_guard lock(collected->mutex);
      collected->replies.push_back(std::move(*reply));
    }
  }
  std::lock_guard lock(collected->mutex);
  if (--collected->pending > 0) return std::nullopt;  // the last worker writes it
  if (collected->replies.empty()) return std::nullopt;
  return std::move(collected->replies);
}

std::optional<Json> Session::handle_request(const jsonrpc::Request& request) {
  const std::string& method = request.method;
  if (!request.params.is_null() && !request.params.is_object()) {
    return make_error(request.id, Error{jsonrpc::kInvalidParams, "Invalid params: params must be an object", nullptr});
  }
  // Era per message (2026-07-28 stdio binding): a modern request is served statelessly, whether
  // or not a legacy session was initialized in this process.
  if (ModernEra::is_modern(request)) return handle_modern(request);
  if (method == "initialize") {
    if (state_.load() != State::kNew) {
      return make_error(request.id, Error{jsonrpc::kInvalidRequest, "Invalid Request: already initialized", nullptr});
    }
    Caller caller;
    caller.client = &client_;
    Json reply = dispatcher_.handle(request, caller);
    if (reply.contains("result")) {
      protocol_version_ = client_.protocol_version;
      state_ = State::kInitialized;
    }
    return reply;
  }
  if (method != "ping" && dispatcher_.knows(method) && state_.load() != State::kInitialized) {
    return make_error(request.id, Error{jsonrpc::kInvalidRequest,
                                        "Invalid Request: the session is not initialized; send initialize first",
                                        nullptr});
  }
  if (Dispatcher::is_tool_call(method)) {
    if (auto bad = dispatcher_.check_call(request)) return *bad;
    start_tool_call(request);
    return std::nullopt;
  }
  BasicCallContext ctx(client_);  // tools/list: whose surface (the process's key on stdio)
  Caller caller;
  caller.context = &ctx;
  caller.set_log_level = [this](LogLevel level) {
    log_level_ = static_cast<int>(level);
    if (options_.on_log_level) options_.on_log_level(level);
  };
  return dispatcher_.handle(request, caller);
}

std::optional<Json> Session::handle_modern(const jsonrpc::Request& request) {
  if (auto bad = modern_.check(request)) return bad;
  if (Dispatcher::is_tool_call(request.method)) {
    if (auto bad = dispatcher_.check_call(request)) return modern_.finish(request, *bad);
    start_tool_call(request, nullptr, /*modern=*/true);
    return std::nullopt;
  }
  ClientInfo none;  // the request's own capabilities are the adapter's business
  BasicCallContext ctx(none);
  return modern_.handle(request, ctx);
}

void Session::start_tool_call(const jsonrpc::Request& request, std::shared_ptr<BatchReply> batch, bool modern) {
  auto state = std::make_shared<InFlight>();
  state->id = request.id;
  state->modern = modern;
  state->batch = std::move(batch);
  if (auto meta = request.params.find("_meta"); meta != request.params.end() && meta->is_object()) {
    if (auto token = meta->find("progressToken");
        token != meta->end() && (token->is_string() || token->is_number_integer())) {
      state->progress_token = *token;
    }
  }
  const std::string key = request.id.dump();
  bool taken = false;
  {
    std::lock_guard lock(mutex_);
    taken = !in_flight_.emplace(key, state).second;
  }
  if (taken) {
    deliver(*state, make_error(request.id, Error{jsonrpc::kInvalidRequest,
                                                 "Invalid Request: request id " + key + " is already in use", nullptr}));
    return;
  }
  bool queued = pool_.submit([this, state, key, request] { run_tool_call(state, key, request); });
  if (!queued) {
    finish(key, make_error(request.id, Error{jsonrpc::kInternalError,
                                             "The server is shutting down; the request was not sent to Fini.", nullptr}));
  }
}

void Session::run_tool_call(const std::shared_ptr<InFlight>& state, const std::string& key,
                            const jsonrpc::Request& request) {
  if (aborting_.load()) {  // read before the shutdown but never started in the drain: say so, send nothing
    finish(key, make_error(state->id, Error{jsonrpc::kInternalError,
                                            "The server is shutting down; the request was not sent to Fini. "
                                            "Call the tool again once the server is back.",
                                            nullptr}));
    return;
  }
  Context ctx(*this, state);
  finish(key, state->modern ? modern_.call_tool(request, ctx) : dispatcher_.call_tool(request, ctx));
}

void Session::deliver(InFlight& state, const Json& reply) {
  std::lock_guard lock(state.mutex);
  state.done = true;
  // Cancelled by the client: it SHOULD NOT get a reply (and won't).
  const bool silent = state.client_cancelled.load();
  if (!state.batch) {
    if (!silent) write(reply);
    return;
  }
  std::lock_guard batch_lock(state.batch->mutex);
  if (!silent) state.batch->replies.push_back(reply);
  if (--state.batch->pending == 0 && !state.batch->replies.empty()) write(state.batch->replies);
}

void Session::finish(const std::string& key, const Json& reply) {
  std::shared_ptr<InFlight> state;
  {
    std::lock_guard lock(mutex_);
    auto it = in_flight_.find(key);
    if (it == in_flight_.end()) return;
    state = it->second;
  }
  deliver(*state, reply);
  // Only once the reply is out may run() consider the session drained and let the process exit.
  {
    std::lock_guard lock(mutex_);
    in_flight_.erase(key);
  }
  idle_cv_.notify_all();
}

void Session::handle_notification(const jsonrpc::Notification& notification) {
  if (notification.method == "notifications/cancelled") {
    if (!notification.params.is_object() || !notification.params.contains("requestId")) return;
    const std::string key = notification.params["requestId"].dump();
    std::lock_guard lock(mutex_);
    if (auto it = in_flight_.find(key); it != in_flight_.end()) {
      it->second->client_cancelled = true;
      it->second->cancel.cancel("cancelled by the client");
    }
    return;  // unknown or finished ids are normal races
  }
  // notifications/initialized and anything else needs no action.
}

void Session::handle_response(const jsonrpc::Response& response) {
  std::shared_ptr<Outbound> out;
  {
    std::lock_guard lock(mutex_);
    auto it = outbound_.find(response.id.dump());
    if (it == outbound_.end()) {
      spdlog::debug("ignoring a response to unknown request {}", response.id.dump());
      return;
    }
    out = it->second;
    outbound_.erase(it);
  }
  std::lock_guard lock(out->mutex);
  if (response.result) {
    out->result = *response.result;
  } else {
    const auto& e = *response.error;
    Code code = e.code == jsonrpc::kMethodNotFound ? Code::kFailedPrecondition : Code::kInternal;
    out->result = Status(code, "the client answered with error " + std::to_string(e.code) + ": " + e.message);
  }
  out->cv.notify_all();
}

Result<Json> Session::send_request(const std::string& method, const Json& params,
                                   std::chrono::milliseconds timeout, const CancelToken* cancelled) {
  auto out = std::make_shared<Outbound>();
  Json id;
  {
    std::lock_guard lock(mutex_);
    if (disconnected_.load()) return Status(Code::kUnavailable, "the client disconnected");
    id = "fini-" + std::to_string(next_outbound_id_++);
    outbound_.emplace(id.dump(), out);
  }
  write(jsonrpc::make_request(id, method, params));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(out->mutex);
  while (!out->result) {
    if (cancelled != nullptr && cancelled->cancelled()) break;
    if (std::chrono::steady_clock::now() >= deadline) break;
    out->cv.wait_for(lock, std::chrono::milliseconds(50));
  }
  if (out->result) return std::move(*out->result);
  lock.unlock();
  {
    std::lock_guard guard(mutex_);
    outbound_.erase(id.dump());
  }
  const bool was_cancelled = cancelled != nullptr && cancelled->cancelled();
  write(jsonrpc::make_notification("notifications/cancelled",
                                   Json{{"requestId", id}, {"reason", was_cancelled ? "cancelled" : "timed out"}}));
  if (was_cancelled) return Status(Code::kCancelled, method + " was cancelled");
  return Status(Code::kDeadlineExceeded, "no answer to " + method + " within " +
                                             std::to_string(timeout.count() / 1000) + " s");
}

void Session::notify_tools_changed() {
  if (state_.load() != State::kInitialized) return;
  write(jsonrpc::make_notification("notifications/tools/list_changed", nullptr));
}

void Session::log(LogLevel level, const std::string& logger, const Json& data) {
  const int threshold = log_level_.load();
  if (threshold < 0 || static_cast<int>(level) < threshold) return;
  Json params{{"level", log_level_name(level)}, {"data", data}};
  if (!logger.empty()) params["logger"] = logger;
  write(jsonrpc::make_notification("notifications/message", std::move(params)));
}

}  // namespace fini::mcp
