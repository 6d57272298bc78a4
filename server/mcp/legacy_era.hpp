#pragma once
// The legacy eras (2024-11-05 … 2025-11-25) over the shared Dispatcher. With a session (stdio):
// initialize once and first, the client's declared capabilities kept for its calls, the log
// level it sets. Stateless (HTTP): no lifecycle, no capabilities (nothing can be asked mid-call).
// A call's asks (confirmation, key page) are server→client requests through the transport's
// CallContext. Thread-safety: check/handle on the reading thread; call_tool from any thread.

#include <atomic>
#include <functional>
#include <string>

#include "mcp/dispatcher.hpp"
#include "mcp/era.hpp"

namespace fini::mcp {

class Legacy2025 final : public Era {
 public:
  struct Options {
    bool session = true;                          // false: stateless HTTP
    std::function<void(LogLevel)> set_log_level;  // logging/setLevel (null: accepted, not kept)
  };
  Legacy2025(Dispatcher& dispatcher, Options options);

  Checked check(jsonrpc::Request request, const MessageHeaders* headers) override;
  Json handle(const CheckedCall& call, CallContext& ctx) override;
  Json call_tool(const CheckedCall& call, CallContext& ctx) override;
  bool reads_headers() const override { return false; }
  bool echoes_id_in_refusals() const override { return false; }

  bool initialized() const { return initialized_.load(); }
  const std::string& protocol_version() const { return client_.protocol_version; }  // after initialize
  const ClientInfo& client() const { return client_; }
  // JSON-RPC batches exist only in 2025-03-26; every other revision forbids them.
  bool allows_batches() const { return initialized() && protocol_version() == "2025-03-26"; }

 private:
  Json initialize(const jsonrpc::Request& request);

  Dispatcher& dispatcher_;
  const Options options_;
  ClientInfo client_;  // written once by initialize, before any call is read
  std::atomic<bool> initialized_{false};
};

}  // namespace fini::mcp
