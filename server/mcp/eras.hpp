#pragma once
// The two eras a transport serves, and the stdio binding's rule for picking one per message: a
// request whose _meta names a protocol version is 2026-07-28, anything else is legacy. (HTTP
// adds its header rule, see http/era_status.)

#include <memory>

#include "common/keyring.hpp"
#include "mcp/legacy_era.hpp"
#include "mcp/modern_era.hpp"

namespace fini::mcp {

struct Eras {
  Eras(Dispatcher& dispatcher, Legacy2025::Options legacy_options, std::shared_ptr<const KeyRing> sealing = nullptr)
      : legacy(dispatcher, std::move(legacy_options)), modern(dispatcher, std::move(sealing)) {}
  Era& for_request(const jsonrpc::Request& request) {
    if (Modern2026::is_modern(request)) return modern;
    return legacy;
  }
  Legacy2025 legacy;
  Modern2026 modern;
};

}  // namespace fini::mcp
