#pragma once
// Before a tool says "No such <what>" for a route that answers 500 for unknown ids, one read of
// that id tells a real unknown id from a transient server error (a 500 is both on such routes).
// The read goes to a read tool that gets one <what> by id (the tool itself when it is one),
// never a write. Thread-safe: no state of its own; uses a thread-safe HttpClient.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcp/providers.hpp"
#include "rest/http_client.hpp"
#include "tools/manifest.hpp"

namespace fini::tools {

enum class IdState { kUnknown, kExists, kUnchecked };

struct IdCheck {
  IdState state = IdState::kUnchecked;
  const Manifest* reader = nullptr;        // the read tool used
  std::optional<rest::HttpResponse> read;  // its answer (none: no complete answer)
};

// The read tool that checks the id `m` names, or null when there is none (no unknownId, not
// exactly one path id, or no read tool for that kind of item).
const Manifest* id_reader(const Manifest& m, const std::vector<Manifest>& all);

// One read of the id in `arguments` (the key and cancellation of this call); nullopt when `m`
// has no reader. Called only after `m` answered 500 on a route that uses 500 for unknown ids.
std::optional<IdCheck> check_id(const Manifest& m, const nlohmann::json& arguments, const std::vector<Manifest>& all,
                                rest::HttpClient& http, const std::string& key, mcp::CallContext& ctx);

// The tool result when the id exists or the check did not settle it (a write's 500 is then a
// server error that may or may not have been applied); nullopt: keep the "No such …" answer.
std::optional<nlohmann::json> id_check_result(const Manifest& m, const nlohmann::json& arguments, const IdCheck& check);

}  // namespace fini::tools
