#pragma once
// Error texts keyed to what the model should do next, for the cases a manifest declares
// (request.unknownId, "unit": "epoch-ms") and for a rejected key whose source the server knows.
// Pure functions; thread-safe.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rest/http_client.hpp"
#include "tools/manifest.hpp"

namespace fini::tools {

// "no such conversation; list them with list_conversations ..." when the response is the route's
// declared answer for an unknown id (500, or 200 with a null body); nullopt otherwise.
std::optional<std::string> unknown_id_text(const Manifest& manifest, const rest::HttpResponse& response);

// One "/since: 1777593600: this looks like seconds; Fini wants milliseconds: 1777593600000" per
// epoch-ms argument below 10^11 (a millisecond value that small would be in early 1973).
std::vector<std::string> epoch_ms_errors(const Manifest& manifest, const nlohmann::json& arguments);

// Said first when a write failed after an earlier attempt of it may have been applied (that
// attempt's HTTP status, 0: the connection was lost after sending): the retry's error alone
// would read as "nothing happened".
std::string earlier_attempt_text(const Manifest& manifest, int earlier_status);

// A 401 for a key the user cannot replace by asking (environment, key file): the rejection and
// where the key comes from, without the generic "log in" advice that does not apply.
std::string key_rejected_text(const Manifest& manifest, const rest::HttpResponse& response,
                              const std::string& source_note);

}  // namespace fini::tools
