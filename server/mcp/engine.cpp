#include "mcp/engine.hpp"

#include <spdlog/spdlog.h>

#include <limits>
#include <vector>

namespace fini::mcp {

using jsonrpc::Error;
using jsonrpc::make_error;

// A server→client request waiting for its answer.
struct CallEngine::Outbound {
  std::mutex mutex;
  std::condition_variable cv;
  std::optional<Result<Json>> result;
  bool woken = false;  // the call was cancelled
};

EngineCall::EngineCall(CallEngine& engine, std::string scope, Json id, Json progress_token)
    : engine_(engine),
      scope_(std::move(scope)),
      id_(std::move(id)),
      progress_token_(std::move(progress_token)),
      serial_(engine.next_serial_.fetch_add(1)),
      last_progress_(-std::numeric_limits<double>::infinity()) {}

void EngineCall::progress(double value, std::optional<double> total, const std::string& message) {
  if (progress_token_.is_null()) return;
  std::lock_guard lock(gate_);
  if (done_ || value <= last_progress_) return;  // monotonic, never after the reply
  last_progress_ = value;
  Json params{{"progressToken", progress_token_}, {"progress", value}};
  if (total) params["total"] = *total;
  if (!message.empty()) params["message"] = message;
  emit(jsonrpc::make_notification("notifications/progress", std::move(params)));
}

Result<Json> EngineCall::request(const std::string& method, const Json& params, std::chrono::milliseconds timeout) {
  return engine_.request(method, params, timeout, cancel_);
}

void EngineCall::cancel(const std::string& reason, bool client_gone) {
  if (client_gone) client_gone_ = true;
  cancel_.cancel(reason);
}

void EngineCall::answer(Json reply) {
  std::lock_guard lock(gate_);
  if (done_) return;
  done_ = true;
  deliver(std::move(reply), client_gone_.load());
}

EngineSlot& EngineSlot::operator=(EngineSlot&& other) noexcept {
  if (this != &other) {
    reset();
    engine_ = std::exchange(other.engine_, nullptr);
  }
  return *this;
}

void EngineSlot::reset() {
  if (auto* engine = std::exchange(engine_, nullptr)) engine->release();
}

CallEngine::CallEngine(EngineOptions options) : options_(std::move(options)), pool_(options_.workers) {}

CallEngine::~CallEngine() { pool_.shutdown(); }

std::optional<CallEngine::Slot> CallEngine::try_acquire() {
  {
    std::lock_guard lock(mutex_);
    if (slots_ >= static_cast<long>(options_.capacity)) return std::nullopt;
    ++slots_;
  }
  if (options_.on_in_flight) options_.on_in_flight(1);
  return Slot(this);
}

void CallEngine::release() {
  {
    std::lock_guard lock(mutex_);
    --slots_;
  }
  if (options_.on_in_flight) options_.on_in_flight(-1);
  idle_cv_.notify_all();
}

void CallEngine::wait_for_capacity() {
  std::unique_lock lock(mutex_);
  idle_cv_.wait(lock, [&] { return stopping_.load() || slots_ < static_cast<long>(options_.capacity); });
}

std::string CallEngine::id_key(const std::string& scope, const Json& id) {
  std::string key = scope;
  key += '\n';
  key += id.dump();
  return key;
}

// Registers the call under its scope and id, holding `slot` (or a new one); kAnswered when its
// id is in use.
CallEngine::Started CallEngine::admit(const std::shared_ptr<EngineCall>& call, Slot& slot) {
  call->key_ = id_key(call->scope(), call->id());
  bool taken = false;
  bool new_slot = false;
  {
    std::lock_guard lock(mutex_);
    taken = options_.unique_ids && ids_.find(call->key_) != ids_.end();
    if (!taken) {
      calls_.emplace(call->serial(), call);
      ids_.emplace(call->key_, call->serial());
      if (!slot) {  // work the transport did not count yet (stdio reads within capacity)
        ++slots_;
        slot = Slot(this);
        new_slot = true;
      }
    }
  }
  if (taken) {
    call->answer(make_error(call->id(),
                            Error{jsonrpc::kInvalidRequest,
                                  "Invalid Request: request id " + call->id().dump() + " is already in use", nullptr}));
    return Started::kAnswered;
  }
  call->slot_ = std::move(slot);
  if (new_slot && options_.on_in_flight) options_.on_in_flight(1);
  return Started::kRunning;
}

CallEngine::Started CallEngine::start(const std::shared_ptr<EngineCall>& call, Job job, Slot slot) {
  if (auto refused = admit(call, slot); refused != Started::kRunning) return refused;
  const bool queued = !cut_short_.load() && pool_.submit([this, call, job = std::move(job)] { run(call, job); });
  if (queued) return Started::kRunning;
  finish(call, make_error(call->id(), Error{options_.not_sent_code, kNotSentText, nullptr}));
  return Started::kNotSent;
}

CallEngine::Started CallEngine::run_inline(const std::shared_ptr<EngineCall>& call, const Job& job, Slot slot) {
  if (auto refused = admit(call, slot); refused != Started::kRunning) return refused;
  run(call, job);
  return Started::kRunning;
}

void CallEngine::run(const std::shared_ptr<EngineCall>& call, const Job& job) {
  if (aborting_.load()) {  // read before the shutdown but never started in the drain: say so, send nothing
    finish(call,
           make_error(call->id(),
                      Error{options_.not_sent_code,
                            std::string(kNotSentText) + " Call the tool again once the server is back.", nullptr}));
    return;
  }
  Json reply;
  try {
    reply = job(*call);
  } catch (const std::exception& e) {
    spdlog::error("internal error while running a call: {}", e.what());
    reply = make_error(call->id(), Error{jsonrpc::kInternalError, "Internal error", nullptr});
  }
  finish(call, std::move(reply));
}

void CallEngine::finish(const std::shared_ptr<EngineCall>& call, Json reply) {
  // The id is free before the reply goes out: a client may reuse it as soon as it reads the reply.
  {
    std::lock_guard lock(mutex_);
    auto [first, last] = ids_.equal_range(call->key_);
    for (auto it = first; it != last; ++it) {
      if (it->second == call->serial()) {
        ids_.erase(it);
        break;
      }
    }
  }
  auto forget = [&] {
    std::lock_guard lock(mutex_);
    calls_.erase(call->serial());
  };
  if (options_.release_before_reply) {
    forget();
    call->slot_.reset();
    call->answer(std::move(reply));
    return;
  }
  call->answer(std::move(reply));
  // Only once the reply is out may a drain consider the engine idle (and the process exit).
  forget();
  call->slot_.reset();
}

void CallEngine::cancel(const std::string& scope, const Json& id) {
  std::vector<std::shared_ptr<EngineCall>> matched;
  {
    std::lock_guard lock(mutex_);
    auto [first, last] = ids_.equal_range(id_key(scope, id));
    for (auto it = first; it != last; ++it) {
      if (auto call = calls_.find(it->second); call != calls_.end()) matched.push_back(call->second);
    }
  }
  for (auto& call : matched) call->cancel("cancelled by the client", /*client_gone=*/true);
}

std::shared_ptr<EngineCall> CallEngine::find(std::uint64_t serial) const {
  std::lock_guard lock(mutex_);
  auto it = calls_.find(serial);
  return it == calls_.end() ? nullptr : it->second;
}

void CallEngine::cancel_all(const std::string& reason, bool client_gone) {
  std::vector<std::shared_ptr<EngineCall>> running;
  {
    std::lock_guard lock(mutex_);
    for (auto& [serial, call] : calls_) running.push_back(call);
  }
  for (auto& call : running) call->cancel(reason, client_gone);
}

Result<Json> CallEngine::request(const std::string& method, const Json& params, std::chrono::milliseconds timeout,
                                 const CancelToken& cancelled) {
  if (!options_.send_to_client)
    return Status(Code::kFailedPrecondition, method + " is not available on this connection");
  auto out = std::make_shared<Outbound>();
  Json id;
  {
    std::lock_guard lock(mutex_);
    if (refuse_requests_) return Status(Code::kUnavailable, *refuse_requests_);
    id = "fini-" + std::to_string(next_outbound_++);
    outbound_.emplace(id.dump(), out);
  }
  // Registered before the wait: a cancel wakes the waiter at once (it runs here if already cancelled).
  auto wake = cancelled.on_cancel([out] {
    std::lock_guard lock(out->mutex);
    out->woken = true;
    out->cv.notify_all();
  });
  options_.send_to_client(jsonrpc::make_request(id, method, params));
  {
    std::unique_lock lock(out->mutex);
    out->cv.wait_for(lock, timeout, [&] { return out->result.has_value() || out->woken; });
    if (out->result) return std::move(*out->result);
  }
  {
    std::lock_guard lock(mutex_);
    outbound_.erase(id.dump());
  }
  const bool was_cancelled = cancelled.cancelled();
  options_.send_to_client(jsonrpc::make_notification(
      "notifications/cancelled", Json{{"requestId", id}, {"reason", was_cancelled ? "cancelled" : "timed out"}}));
  if (was_cancelled) return Status(Code::kCancelled, method + " was cancelled");
  return Status(Code::kDeadlineExceeded,
                "no answer to " + method + " within " + std::to_string(timeout.count() / 1000) + " s");
}

void CallEngine::answer_request(const jsonrpc::Response& response) {
  std::shared_ptr<Outbound> out;
  {
    std::lock_guard lock(mutex_);
    auto it = outbound_.find(response.id.dump());
    if (it == outbound_.end()) {
      spdlog::debug("ignoring a response to unknown request {}", response.id.dump());
      return;
    }
    out = std::move(it->second);
    outbound_.erase(it);
  }
  std::lock_guard lock(out->mutex);
  if (response.result) {
    out->result = *response.result;
  } else {
    const auto& e = *response.error;
    const Code code = e.code == jsonrpc::kMethodNotFound ? Code::kFailedPrecondition : Code::kInternal;
    out->result = Status(code, "the client answered with error " + std::to_string(e.code) + ": " + e.message);
  }
  out->cv.notify_all();
}

void CallEngine::fail_requests(const std::string& why, bool refuse_new) {
  std::map<std::string, std::shared_ptr<Outbound>> waiting;
  {
    std::lock_guard lock(mutex_);
    if (refuse_new) refuse_requests_ = why;
    waiting.swap(outbound_);
  }
  for (auto& [id, out] : waiting) {
    std::lock_guard olock(out->mutex);
    out->result = Status(Code::kCancelled, why);
    out->cv.notify_all();
  }
}

void CallEngine::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  idle_cv_.notify_all();
}

long CallEngine::in_flight() const {
  std::lock_guard lock(mutex_);
  return slots_;
}

bool CallEngine::idle() const {
  std::lock_guard lock(mutex_);
  return slots_ == 0;
}

bool CallEngine::drain() {
  stop();
  fail_requests("the server is shutting down", /*refuse_new=*/false);
  std::unique_lock lock(mutex_);
  auto idle = [this] { return slots_ == 0; };
  // Work in flight finishes with Fini's real answer, unless the drain is cut short.
  idle_cv_.wait_for(lock, options_.drain_timeout, [&] { return idle() || cut_short_.load(); });
  if (!idle()) {
    lock.unlock();
    spdlog::warn("shutting down: cancelling the calls still running");
    cut_short();
    lock.lock();
    idle_cv_.wait_for(lock, options_.abort_grace, idle);
  }
  return idle();
}

void CallEngine::cut_short() {
  {
    std::lock_guard lock(mutex_);
    cut_short_ = true;
    aborting_ = true;
  }
  idle_cv_.notify_all();
  cancel_all("the server is shutting down", /*client_gone=*/false);
}

}  // namespace fini::mcp
