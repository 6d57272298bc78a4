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

Session::Session(SessionOptions options, std::istream& in, std::ostream& out)
    : options_(std::move(options)), in_(in), writer_(out), pool_(options_.workers) {}

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

namespace {

bool valid_call_params(const Json& params) {
  if (!params.is_object() || !params.contains("name") || !params["name"].is_string()) return false;
  auto args = params.find("arguments");
  return args == params.end() || args->is_null() || args->is_object();
}

}  // namespace

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
        request != nullptr && request->method == "tools/call" && tools_ != nullptr && valid_call_params(request->params) &&
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

Json Session::error_reply(const Json& id, const Status& status, int default_code) {
  int code = default_code;
  if (status.code() == Code::kNotFound || status.code() == Code::kInvalidArgument) code = jsonrpc::kInvalidParams;
  return make_error(id, Error{code, status.message(), nullptr});
}

std::optional<Json> Session::handle_request(const jsonrpc::Request& request) {
  const std::string& method = request.method;
  const Json& params = request.params;
  auto invalid_params = [&](std::string message) {
    return make_error(request.id, Error{jsonrpc::kInvalidParams, std::move(message), nullptr});
  };
  if (!params.is_null() && !params.is_object()) return invalid_params("Invalid params: params must be an object");

  if (method == "ping") return make_result(request.id, Json::object());
  if (method == "initialize") {
    if (state_.load() != State::kNew) {
      return make_error(request.id, Error{jsonrpc::kInvalidRequest, "Invalid Request: already initialized", nullptr});
    }
    Error error;
    Json result = do_initialize(params, error);
    if (result.is_null()) return make_error(request.id, error);
    return make_result(request.id, std::move(result));
  }

  const bool known = method == "tools/list" || method == "tools/call" || method == "logging/setLevel" ||
                     (prompts_ != nullptr && (method == "prompts/list" || method == "prompts/get")) ||
                     (resources_ != nullptr && (method == "resources/list" || method == "resources/read" ||
                                                method == "resources/templates/list"));
  if (!known) {
    return make_error(request.id, Error{jsonrpc::kMethodNotFound, "Method not found: " + method, nullptr});
  }
  if (state_.load() != State::kInitialized) {
    return make_error(request.id, Error{jsonrpc::kInvalidRequest,
                                        "Invalid Request: the session is not initialized; send initialize first",
                                        nullptr});
  }

  if (method == "logging/setLevel") {
    auto level_it = params.is_object() ? params.find("level") : params.end();
    if (!params.is_object() || level_it == params.end() || !level_it->is_string()) {
      return invalid_params("Invalid params: \"level\" is required (debug, info, notice, warning, error, critical, alert, emergency)");
    }
    auto level = parse_log_level(level_it->get<std::string>());
    if (!level) {
      return invalid_params("Invalid params: unknown log level \"" + level_it->get<std::string>() +
                            "\" (expected debug, info, notice, warning, error, critical, alert or emergency)");
    }
    log_level_ = static_cast<int>(*level);
    if (options_.on_log_level) options_.on_log_level(*level);
    return make_result(request.id, Json::object());
  }
  if (method == "tools/list") {
    auto page = do_list(params, "tools", tools_ ? tools_->list_tools() : std::vector<Json>{});
    return page.ok() ? make_result(request.id, std::move(*page)) : error_reply(request.id, page.status(), jsonrpc::kInvalidParams);
  }
  if (method == "prompts/list") {
    auto page = do_list(params, "prompts", prompts_->list_prompts());
    return page.ok() ? make_result(request.id, std::move(*page)) : error_reply(request.id, page.status(), jsonrpc::kInvalidParams);
  }
  if (method == "resources/list") {
    auto page = do_list(params, "resources", resources_->list_resources());
    return page.ok() ? make_result(request.id, std::move(*page)) : error_reply(request.id, page.status(), jsonrpc::kInvalidParams);
  }
  if (method == "resources/templates/list") {
    auto page = do_list(params, "resourceTemplates", resources_->list_resource_templates());
    return page.ok() ? make_result(request.id, std::move(*page)) : error_reply(request.id, page.status(), jsonrpc::kInvalidParams);
  }
  if (method == "prompts/get") {
    if (!params.is_object() || !params.contains("name") || !params["name"].is_string()) {
      return invalid_params("Invalid params: \"name\" (string) is required");
    }
    Json args = params.value("arguments", Json::object());
    if (args.is_null()) args = Json::object();
    if (!args.is_object()) return invalid_params("Invalid params: \"arguments\" must be an object");
    auto result = prompts_->get_prompt(params["name"].get<std::string>(), args);
    return result.ok() ? make_result(request.id, std::move(*result)) : error_reply(request.id, result.status(), jsonrpc::kInternalError);
  }
  if (method == "resources/read") {
    if (!params.is_object() || !params.contains("uri") || !params["uri"].is_string()) {
      return invalid_params("Invalid params: \"uri\" (string) is required");
    }
    auto result = resources_->read_resource(params["uri"].get<std::string>());
    if (result.ok()) return make_result(request.id, std::move(*result));
    if (result.status().code() == Code::kNotFound) {
      return make_error(request.id, Error{-32002, result.status().message(), Json{{"uri", params["uri"]}}});
    }
    return error_reply(request.id, result.status(), jsonrpc::kInternalError);
  }

  // tools/call
  if (!params.is_object() || !params.contains("name") || !params["name"].is_string()) {
    return invalid_params("Invalid params: \"name\" (string) is required");
  }
  if (!valid_call_params(params)) return invalid_params("Invalid params: \"arguments\" must be an object");
  if (tools_ == nullptr) return invalid_params("Unknown tool: " + params["name"].get<std::string>());
  start_tool_call(request);
  return std::nullopt;
}

Json Session::do_initialize(const Json& params, Error& error) {
  if (!params.is_object() || !params.contains("protocolVersion") || !params["protocolVersion"].is_string()) {
    error = Error{jsonrpc::kInvalidParams, "Invalid params: \"protocolVersion\" (string) is required", nullptr};
    return nullptr;
  }
  protocol_version_ = negotiate_version(params["protocolVersion"].get<std::string>());
  client_.protocol_version = protocol_version_;
  if (auto info = params.find("clientInfo"); info != params.end() && info->is_object()) {
    client_.name = info->value("name", "");
  }
  if (auto caps = params.find("capabilities"); caps != params.end() && caps->is_object()) {
    if (auto el = caps->find("elicitation"); el != caps->end() && el->is_object()) {
      // An empty elicitation object means form mode (backwards compatible with 2025-06-18).
      client_.elicitation_form = el->empty() || el->contains("form");
      client_.elicitation_url = el->contains("url");
    }
  }
  Json capabilities{{"tools", {{"listChanged", true}}}, {"logging", Json::object()}};
  if (prompts_ != nullptr) capabilities["prompts"] = {{"listChanged", false}};
  if (resources_ != nullptr) capabilities["resources"] = {{"listChanged", false}, {"subscribe", false}};
  Json server_info{{"name", kServerName}, {"title", options_.server_title}, {"version", kVersion}};
  Json result{{"protocolVersion", protocol_version_}, {"capabilities", std::move(capabilities)},
              {"serverInfo", std::move(server_info)}};
  if (!options_.instructions.empty()) result["instructions"] = options_.instructions;
  state_ = State::kInitialized;
  spdlog::info("initialized: client '{}' protocol {}", client_.name, protocol_version_);
  return result;
}

Result<Json> Session::do_list(const Json& params, const char* key, std::vector<Json> items) {
  std::size_t offset = 0;
  if (params.is_object() && params.contains("cursor") && !params["cursor"].is_null()) {
    const Json& cursor = params["cursor"];
    std::optional<std::size_t> decoded;
    if (cursor.is_string()) decoded = decode_cursor(cursor.get<std::string>());
    if (!decoded || *decoded >= items.size()) return invalid_argument("Invalid params: invalid cursor");
    offset = *decoded;
  }
  std::size_t end = items.size();
  if (options_.page_size > 0) end = std::min(items.size(), offset + options_.page_size);
  Json page = Json::array();
  for (std::size_t i = offset; i < end; ++i) page.push_back(std::move(items[i]));
  Json result{{key, std::move(page)}};
  if (end < items.size()) result["nextCursor"] = encode_cursor(end);
  return result;
}

void Session::start_tool_call(const jsonrpc::Request& request, std::shared_ptr<BatchReply> batch) {
  auto state = std::make_shared<InFlight>();
  state->id = request.id;
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
  std::string name = request.params["name"].get<std::string>();
  Json args = request.params.value("arguments", Json::object());
  if (args.is_null()) args = Json::object();
  bool queued = pool_.submit([this, state, key, name = std::move(name), args = std::move(args)] {
    run_tool_call(state, key, name, args);
  });
  if (!queued) {
    finish(key, make_error(request.id, Error{jsonrpc::kInternalError,
                                             "The server is shutting down; the request was not sent to Fini.", nullptr}));
  }
}

void Session::run_tool_call(const std::shared_ptr<InFlight>& state, const std::string& key, const std::string& name,
                            const Json& args) {
  Json reply;
  if (aborting_.load()) {  // read before the shutdown but never started in the drain: say so, send nothing
    finish(key, make_error(state->id, Error{jsonrpc::kInternalError,
                                            "The server is shutting down; the request was not sent to Fini. "
                                            "Call the tool again once the server is back.",
                                            nullptr}));
    return;
  }
  try {
    Context ctx(*this, state);
    auto result = tools_->call_tool(name, args, ctx);
    reply = result.ok() ? make_result(state->id, std::move(*result))
                        : error_reply(state->id, result.status(), jsonrpc::kInternalError);
  } catch (const std::exception& e) {
    spdlog::error("tool '{}' failed internally: {}", name, e.what());
    reply = make_error(state->id, Error{jsonrpc::kInternalError, "Internal error while running tool " + name, nullptr});
  }
  finish(key, reply);
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
