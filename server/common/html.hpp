#pragma once
// HTML text escaping for the pages fini-mcp serves (the stdio key page, the OAuth sign-in page).
// Pure: thread-safe, never throws.

#include <string>

namespace fini {

// &, <, >, " and ' as entities: safe in element text and in quoted attribute values.
std::string html_escape(const std::string& text);

}  // namespace fini
