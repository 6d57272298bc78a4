#pragma once
// The call engine: the one place that runs tool calls for every transport. It owns the calls in
// flight, keyed by (caller scope, JSON-RPC id) — scope "" on stdio, the identity (a digest) of the caller's key on HTTP, so
// a caller can only cancel its own calls — with each call's CancelToken and progress gate
// (monotonic, never after the reply); the worker pool (or an inline run on the caller's thread);
// the in-flight capacity; drain and cut-short on shutdown; and the server→client requests a call
// makes (woken by its CancelToken, never polled).
// A transport derives from EngineCall to supply the reply sink (a stdout line, a batch member, a
// JSON body, an SSE stream) and the rest of the CallContext. Every call started is answered
// exactly once through that sink.
// Thread-safety: every public member may be called from any thread. Jobs must not block forever
// (they are bounded by their CancelToken); an exception from a job is answered -32603.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "common/cancel.hpp"
#include "jsonrpc/message.hpp"
#include "mcp/providers.hpp"
#include "mcp/worker_pool.hpp"

namespace fini::mcp {

// The answer to a call read before a shutdown but never sent upstream.
inline constexpr const char* kNotSentText = "The server is shutting down; the request was not sent to Fini.";

struct EngineOptions {
  std::size_t workers = 64;    // worker threads, started on demand
  std::size_t capacity = 128;  // work in flight at once (calls and any other slots taken)
  // Refuse a call whose (scope, id) is already in flight (stdio). Over HTTP ids are only unique
  // per client and several clients may share a key, so it is off there.
  bool unique_ids = true;
  // Release a call's slot before its reply goes to the sink: a sink that only publishes the reply
  // for another thread to write (HTTP), whose client may send its next request at once. Off:
  // the slot is held until the sink returns, so a drained engine has written every reply (stdio).
  bool release_before_reply = false;
  int not_sent_code = jsonrpc::kInternalError;  // the JSON-RPC code of a "not sent" reply
  std::chrono::milliseconds drain_timeout{10000};
  std::chrono::milliseconds abort_grace{2000};
  std::function<void(long)> on_in_flight;  // +1/-1 as slots are taken and released (metrics)
  // How a server→client request reaches the client; null: none can (request() fails).
  std::function<void(const Json&)> send_to_client;
};

class CallEngine;

// RAII: one unit of a CallEngine's capacity, released when the work it stands for ends.
class EngineSlot {
 public:
  EngineSlot() = default;
  EngineSlot(EngineSlot&& other) noexcept : engine_(std::exchange(other.engine_, nullptr)) {}
  EngineSlot& operator=(EngineSlot&& other) noexcept;
  EngineSlot(const EngineSlot&) = delete;
  EngineSlot& operator=(const EngineSlot&) = delete;
  ~EngineSlot() { reset(); }
  void reset();
  explicit operator bool() const { return engine_ != nullptr; }

 private:
  friend class CallEngine;
  explicit EngineSlot(CallEngine* engine) : engine_(engine) {}
  CallEngine* engine_ = nullptr;
};

// One call in flight. The transport's subclass is its reply sink and answers the parts of the
// CallContext that are the transport's (client, log, notify, call_key, upstream_answered).
class EngineCall : public CallContext {
 public:
  // `progress_token` null: progress() is dropped (none asked for, or nowhere to stream it).
  EngineCall(CallEngine& engine, std::string scope, Json id, Json progress_token);

  const CancelToken& cancel_token() const final { return cancel_; }
  void progress(double value, std::optional<double> total, const std::string& message) final;
  Result<Json> request(const std::string& method, const Json& params, std::chrono::milliseconds timeout) override;

  // `client_gone`: the client cancelled or left and wants no answer.
  void cancel(const std::string& reason, bool client_gone);
  bool client_gone() const { return client_gone_.load(); }
  const Json& id() const { return id_; }
  const std::string& scope() const { return scope_; }
  std::uint64_t serial() const { return serial_; }  // unique in its engine from construction on

 protected:
  // One notifications/progress, already gated; called with the gate held (never after deliver).
  virtual void emit(const Json& notification) = 0;
  // The one reply; `client_gone`: the client cancelled or left (stdio then writes nothing).
  virtual void deliver(Json reply, bool client_gone) = 0;

 private:
  friend class CallEngine;
  void answer(Json reply);  // closes the gate and delivers, once

  CallEngine& engine_;
  const std::string scope_;
  std::string key_;  // scope and id, as the engine indexes them (set on admission)
  const Json id_;
  const Json progress_token_;
  const std::uint64_t serial_;
  CancelToken cancel_;
  std::atomic<bool> client_gone_{false};
  EngineSlot slot_;  // the capacity it holds until answered
  std::mutex gate_;  // orders progress before the reply
  bool done_ = false;
  double last_progress_;
};

class CallEngine {
 public:
  using Slot = EngineSlot;
  using Job = std::function<Json(CallContext&)>;
  enum class Started {
    kRunning,   // running or queued; the reply comes through the call's sink
    kAnswered,  // refused at once (its id is in use); the sink has the error
    kNotSent,   // the engine is shutting down; the sink has the "not sent" reply
  };

  explicit CallEngine(EngineOptions options);
  ~CallEngine();
  CallEngine(const CallEngine&) = delete;
  CallEngine& operator=(const CallEngine&) = delete;

  // A slot within capacity, or nullopt (HTTP answers 503).
  std::optional<Slot> try_acquire();
  // Blocks until a slot is free or stop() (the stdio reader's backpressure); takes none.
  void wait_for_capacity();

  // Registers `call` and runs `job` on a worker; the call holds `slot` (or a new one) until
  // answered.
  Started start(const std::shared_ptr<EngineCall>& call, Job job, Slot slot = {});
  // The same on this thread (HTTP plain-JSON calls: a hand-off costs more than the call).
  Started run_inline(const std::shared_ptr<EngineCall>& call, const Job& job, Slot slot = {});

  // The caller's own call(s) with this id, cancelled with no answer wanted; unknown ids are
  // normal races.
  void cancel(const std::string& scope, const Json& id);
  std::shared_ptr<EngineCall> find(std::uint64_t serial) const;
  void cancel_all(const std::string& reason, bool client_gone);

  // A server→client request for a call: blocks until the answer, the timeout or `cancelled`.
  Result<Json> request(const std::string& method, const Json& params, std::chrono::milliseconds timeout,
                       const CancelToken& cancelled);
  // The client's answer to one of our requests (unknown ids are ignored).
  void answer_request(const jsonrpc::Response& response);
  // Fails the requests waiting for an answer; `refuse_new`: and every later one (disconnect).
  void fail_requests(const std::string& why, bool refuse_new);

  void stop();  // wakes wait_for_capacity for good
  // Shutdown: waits up to drain_timeout for the work in flight (or cut_short), then cancels it
  // and waits abort_grace. Calls not yet started are answered "not sent". True: all answered.
  bool drain();
  void cut_short();  // ends the drain now: what runs is cancelled, what waits is not sent
  bool idle() const;
  long in_flight() const;
  bool stopping() const { return stopping_.load(); }
  void shutdown_pool() { pool_.shutdown(); }

 private:
  friend class EngineCall;
  friend class EngineSlot;
  struct Outbound;

  Started admit(const std::shared_ptr<EngineCall>& call, Slot& slot);
  void run(const std::shared_ptr<EngineCall>& call, const Job& job);
  void finish(const std::shared_ptr<EngineCall>& call, Json reply);
  void release();
  static std::string id_key(const std::string& scope, const Json& id);

  const EngineOptions options_;
  WorkerPool pool_;
  mutable std::mutex mutex_;
  std::condition_variable idle_cv_;
  long slots_ = 0;
  std::map<std::uint64_t, std::shared_ptr<EngineCall>> calls_;
  std::multimap<std::string, std::uint64_t> ids_;
  std::atomic<std::uint64_t> next_serial_{1};
  std::map<std::string, std::shared_ptr<Outbound>> outbound_;
  std::uint64_t next_outbound_ = 1;
  std::optional<std::string> refuse_requests_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> cut_short_{false};
  std::atomic<bool> aborting_{false};  // past the drain: calls not yet started are not sent
};

}  // namespace fini::mcp
