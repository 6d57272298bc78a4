#pragma once
// Reason phrases for the HTTP statuses Fini (and its sandbox) use. Pure; thread-safe.

#include <string_view>

namespace fini {

std::string_view http_reason_phrase(int status);

}  // namespace fini
