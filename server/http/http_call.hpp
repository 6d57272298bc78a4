#pragma once
// One tools/call over HTTP as the call engine runs it: its reply sink (a JSON body, or the SSE
// stream the connection thread writes, see http/sse_stream) and the rest of its CallContext (the
// caller's key; a stateless POST has no session, so nothing can be asked mid-call). The worker
// (or the connection thread, inline) fills it; the connection thread reads it.
// Thread-safety: `mutex` guards events/reply; `cv` signals both and upstream_status.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "common/call_key.hpp"
#include "http/sse_stream.hpp"
#include "jsonrpc/message.hpp"
#include "mcp/engine.hpp"
#include "mcp/era.hpp"

namespace fini::http {

using Json = nlohmann::json;

class HttpCall final : public mcp::EngineCall {
 public:
  // The caller's identity (a digest of its key, never the key) scopes its calls: it can cancel only its own.
  HttpCall(mcp::CallEngine& engine, CallKey caller_key, mcp::CheckedCall checked_call, bool stream)
      : EngineCall(engine, caller_key.identity(), checked_call.request.id,
                   stream ? checked_call.progress_token : Json()),
        checked(std::move(checked_call)),
        key_(std::move(caller_key)) {}

  const mcp::ClientInfo& client() const override { return checked.client; }
  void log(mcp::LogLevel, const std::string&, const Json&) override {}
  void notify(const std::string&, const Json&) override {}
  const CallKey& call_key() const override { return key_; }
  void upstream_answered(int status) override {
    {
      std::lock_guard lock(mutex);
      upstream_status = status;
    }
    cv.notify_all();  // a token call waits for Fini's verdict on the key (refused_key)
  }

  const mcp::CheckedCall checked;
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<std::string> events;  // SSE notifications not yet written
  std::optional<std::string> reply;
  std::atomic<int> upstream_status{-1};
  std::atomic<bool> client_gone{false};  // the connection closed (not a notifications/cancelled)

 private:
  const CallKey key_;
  void emit(const Json& notification) override {
    {
      std::lock_guard lock(mutex);
      events.push_back(sse_event(jsonrpc::serialize(notification)));
    }
    cv.notify_all();
  }
  // Answered whatever the client asked: an HTTP request always gets its response.
  void deliver(Json answer, bool) override {
    {
      std::lock_guard lock(mutex);
      reply = jsonrpc::serialize(answer);
    }
    cv.notify_all();
  }
};

}  // namespace fini::http
