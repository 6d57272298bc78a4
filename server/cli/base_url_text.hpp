#pragma once
// The Fini base URL a person typed, parsed. Every endpoint path already starts with /v2, so a
// base URL copied with its /v2 ("https://api-prod.usefini.com/v2") would call /v2/v2/…: the
// trailing /v2 is dropped, with a note on stderr saying so.

#include <string>

#include "common/status.hpp"
#include "rest/base_url.hpp"

namespace fini::cli {

Result<rest::BaseUrl> parse_typed_base_url(const std::string& text);

}  // namespace fini::cli
