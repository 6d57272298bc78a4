#pragma once
// ISO 8601 strings in epoch-ms arguments ("unit": "epoch-ms" in a manifest), read as
// milliseconds before validation, like the validator's other coercions: each conversion is a
// note the result shows, each unreadable date a problem the error lists.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "schema/validator.hpp"
#include "tools/manifest.hpp"

namespace fini::tools {

// For each argument in names holding a string that is not a plain integer (those are the
// validator's to coerce): replaced by its epoch milliseconds and a note appended, or left as is
// and a problem appended ("/since: \"2023-02-29\": February 2023 has 28 days").
void read_iso_dates(const std::vector<std::string>& names, nlohmann::json& arguments,
                    std::vector<schema::Coercion>& notes, std::vector<std::string>& problems);

// The epoch-ms arguments of a manifest (ParamSpec::epoch_ms).
std::vector<std::string> epoch_ms_arguments(const Manifest& manifest);

}  // namespace fini::tools
