#pragma once
// HTML for the pages fini-mcp serves (the stdio key page, the OAuth sign-in page): escaping and
// the page shell with its style.
// Pure: thread-safe, never throws.

#include <string>

namespace fini {

// &, <, >, " and ' as entities: safe in element text and in quoted attribute values.
std::string html_escape(const std::string& text);

// A whole page in the one look both pages share: `title` (escaped) as <title> and <h1>, then
// `body` (already HTML). Referrer policy same-origin: under no-referrer a browser sends
// `Origin: null` on the form's POST, which the pages' Origin checks must refuse.
std::string html_page(const std::string& title, const std::string& body);

}  // namespace fini
