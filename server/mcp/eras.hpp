#pragma once
// The two eras a transport serves, and the stdio binding's rule for picking one per message: a
// request whose _meta names a protocol version is 2026-07-28, anything else is legacy. (HTTP
// adds its header rule, see http/era_status.)

#include <functional>
#include <memory>

#include "common/keyring.hpp"
#include "mcp/legacy_era.hpp"
#include "mcp/modern_era.hpp"

namespace fini::mcp {

struct Eras {
  Eras(Dispatcher& dispatcher, Legacy2025::Options legacy_options, std::shared_ptr<const KeyRing> sealing = nullptr)
      : legacy(dispatcher, std::move(legacy_options)), modern(dispatcher, std::move(sealing)) {}
  // A session's (stdio): the legacy era keeps its lifecycle and log level.
  static Eras for_session(Dispatcher& dispatcher, std::function<void(LogLevel)> set_log_level) {
    return Eras(dispatcher, Legacy2025::Options{true, std::move(set_log_level)});
  }
  // A stateless transport's (HTTP): no lifecycle; requestStates sealed with `sealing`.
  static Eras stateless(Dispatcher& dispatcher, std::shared_ptr<const KeyRing> sealing) {
    return Eras(dispatcher, Legacy2025::Options{false, nullptr}, std::move(sealing));
  }
  Era& for_request(const jsonrpc::Request& request) {
    if (Modern2026::is_modern(request)) return modern;
    return legacy;
  }
  // The session's lifecycle, which only the legacy eras have.
  bool initialized() const { return legacy.initialized(); }
  bool allows_batches() const { return legacy.allows_batches(); }
  Legacy2025 legacy;
  Modern2026 modern;
};

}  // namespace fini::mcp
