#include "mcp/session.hpp"

#include <spdlog/spdlog.h>

#include "jsonrpc/line_reader.hpp"

namespace fini::mcp {

using jsonrpc::Error;
using jsonrpc::make_error;

// The replies of one batch, written as one array when its last member is answered.
struct Session::BatchReply {
  std::mutex mutex;
  Json replies = Json::array();
  std::size_t pending = 1;  // the reader holds one until every member is dispatched
};

// One tool call's reply sink: a stdout line, or a member of its batch.
class Session::Call final : public EngineCall {
 public:
  Call(Session& session, CheckedCall checked, std::shared_ptr<BatchReply> batch)
      : EngineCall(session.engine_, "", checked.request.id, checked.progress_token),
        checked_(std::move(checked)),
        session_(session),
        batch_(std::move(batch)) {}

  const CheckedCall& checked() const { return checked_; }
  void log(LogLevel level, const std::string& logger, const Json& data) override { session_.log(level, logger, data); }
  const ClientInfo& client() const override { return checked_.client; }
  void notify(const std::string& method, const Json& params) override {
    session_.write(jsonrpc::make_notification(method, params));
  }

 private:
  void emit(const Json& notification) override { session_.write(notification); }
  void deliver(Json reply, bool client_gone) override {
    // Cancelled by the client: it SHOULD NOT get a reply (and won't).
    if (!batch_) {
      if (!client_gone) session_.write(reply);
      return;
    }
    std::lock_guard lock(batch_->mutex);
    if (!client_gone) batch_->replies.push_back(std::move(reply));
    if (--batch_->pending == 0 && !batch_->replies.empty()) session_.write(batch_->replies);
  }

  const CheckedCall checked_;
  Session& session_;
  std::shared_ptr<BatchReply> batch_;
};

namespace {

EngineOptions engine_options(const SessionOptions& options, std::function<void(const Json&)> send) {
  EngineOptions engine;
  engine.workers = options.workers;
  engine.capacity = std::max<std::size_t>(options.workers, 1) + options.max_queued;
  engine.drain_timeout = options.drain_timeout;
  engine.abort_grace = options.abort_grace;
  engine.send_to_client = std::move(send);
  return engine;
}

}  // namespace

Session::Session(SessionOptions options, Dispatcher& dispatcher, std::istream& in, std::ostream& out)
    : options_(std::move(options)),
      in_(in),
      writer_(out),
      eras_(Eras::for_session(dispatcher,
                              [this](LogLevel level) {
                                log_level_ = static_cast<int>(level);
                                if (options_.on_log_level) options_.on_log_level(level);
                              })),
      engine_(engine_options(options_, [this](const Json& message) { write(message); })) {}

Session::~Session() { engine_.shutdown_pool(); }

void Session::write(const Json& message) {
  writer_.write(message);
  // The client closed our output: nobody can read an answer any more, so stop the work.
  if (writer_.failed() && !disconnected_.exchange(true)) {
    spdlog::info("the client closed the output; stopping");
    stop();
    engine_.fail_requests("the client disconnected", /*refuse_new=*/true);
    engine_.cancel_all("the client disconnected", /*client_gone=*/true);
  }
}

bool Session::run() {
  jsonrpc::LineReader reader(in_, options_.max_line_bytes);
  std::string line;
  while (!stopping_.load()) {
    engine_.wait_for_capacity();
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
  stopping_ = true;
  const bool answered = engine_.drain();
  // Work abandoned past the grace period must not write half a line while the process exits.
  if (!answered) writer_.close();
  return answered;
}

void Session::close_output() { writer_.close(); }

void Session::stop() {
  stopping_ = true;
  engine_.stop();
  if (options_.interrupt_input) options_.interrupt_input();
}

void Session::cut_short() {
  engine_.cut_short();
  stop();
}

void Session::handle_line(const std::string& line) {
  auto message = jsonrpc::parse_line(line);
  try {
    if (auto reply = handle_message(message, nullptr)) write(*reply);
  } catch (const std::exception& e) {
    // The one catch-all on the reader path: answer and keep serving.
    spdlog::error("internal error while handling a message: {}", e.what());
    Json id = std::holds_alternative<jsonrpc::Request>(message) ? std::get<jsonrpc::Request>(message).id : Json();
    write(make_error(id, Error{jsonrpc::kInternalError, "Internal error", nullptr}));
  }
}

std::optional<Json> Session::handle_message(jsonrpc::Message& message, const std::shared_ptr<BatchReply>& batch) {
  if (auto* request = std::get_if<jsonrpc::Request>(&message)) return handle_request(*request, batch);
  if (auto* notification = std::get_if<jsonrpc::Notification>(&message)) {
    handle_notification(*notification);
    return std::nullopt;
  }
  if (auto* response = std::get_if<jsonrpc::Response>(&message)) {
    engine_.answer_request(*response);
    return std::nullopt;
  }
  if (auto* invalid = std::get_if<jsonrpc::Invalid>(&message)) return make_error(invalid->id, invalid->error);
  if (batch) return make_error(nullptr, Error{jsonrpc::kInvalidRequest, "Invalid Request: nested batch", nullptr});
  return handle_batch(std::get<jsonrpc::Batch>(message));
}

std::optional<Json> Session::handle_batch(const jsonrpc::Batch& batch) {
  if (!eras_.allows_batches()) {
    return make_error(nullptr,
                      Error{jsonrpc::kInvalidRequest,
                            "Invalid Request: JSON-RPC batches are not supported in this protocol version", nullptr});
  }
  if (batch.items.empty())
    return make_error(nullptr, Error{jsonrpc::kInvalidRequest, "Invalid Request: empty batch", nullptr});
  // Tool calls in the batch run on workers like any other (the reader stays free for ping and
  // cancellation); the array goes out when the last member is answered.
  auto collected = std::make_shared<BatchReply>();
  for (const auto& item : batch.items) {
    auto member = jsonrpc::classify(item);
    if (auto reply = handle_message(member, collected)) {
      std::lock_guard lock(collected->mutex);
      collected->replies.push_back(std::move(*reply));
    }
  }
  std::lock_guard lock(collected->mutex);
  if (--collected->pending > 0) return std::nullopt;  // the last worker writes it
  if (collected->replies.empty()) return std::nullopt;
  return std::move(collected->replies);
}

std::optional<Json> Session::handle_request(jsonrpc::Request& request, const std::shared_ptr<BatchReply>& batch) {
  if (!request.params.is_null() && !request.params.is_object()) {
    return make_error(request.id, Error{jsonrpc::kInvalidParams, "Invalid params: params must be an object", nullptr});
  }
  Era& era = eras_.for_request(request);
  // The params move to the era; the id and method stay for the reader's last-resort error reply.
  auto checked = era.check(jsonrpc::Request{request.id, request.method, std::move(request.params)}, nullptr);
  if (auto* refusal = std::get_if<Refusal>(&checked)) return std::move(refusal->reply);
  auto& accepted = std::get<CheckedCall>(checked);
  if (!Dispatcher::is_tool_call(request.method)) {
    BasicCallContext ctx(accepted.client);  // tools/list: whose surface (the process's key on stdio)
    return era.handle(accepted, ctx);
  }
  if (batch) {
    std::lock_guard lock(batch->mutex);
    ++batch->pending;
  }
  auto call = std::make_shared<Call>(*this, std::move(accepted), batch);
  engine_.start(call, [&era, sink = call.get()](CallContext& ctx) { return era.call_tool(sink->checked(), ctx); });
  return std::nullopt;
}

void Session::handle_notification(const jsonrpc::Notification& notification) {
  if (notification.method == "notifications/cancelled") {
    if (!notification.params.is_object() || !notification.params.contains("requestId")) return;
    engine_.cancel("", notification.params["requestId"]);  // unknown or finished ids are normal races
  }
  // notifications/initialized and anything else needs no action.
}

void Session::notify_tools_changed() {
  if (!eras_.initialized()) return;
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
