#pragma once
// HTML for the pages fini-mcp serves (the stdio key page, the OAuth sign-in page): escaping and
// the page shell with its style.
// Pure: thread-safe, never throws.

#include <string>
#include <utility>
#include <vector>

namespace fini {

// &, <, >, " and ' as entities: safe in element text and in quoted attribute values.
std::string html_escape(const std::string& text);

// A whole page in the one look both pages share: `title` (escaped) as <title> and <h1>, then
// `body` (already HTML). Referrer policy same-origin: under no-referrer a browser sends
// `Origin: null` on the form's POST, which the pages' Origin checks must refuse.
std::string html_page(const std::string& title, const std::string& body);

// The headers every page carries: never cached, never framed, no sniffing, referrer kept to the
// same origin (see html_page), and a CSP that allows only inline style and posting the form to
// 'self' plus `form_origin` when given (Chrome applies form-action to the redirect that follows
// the POST, so a client's redirect origin must be listed).
std::vector<std::pair<std::string, std::string>> page_headers(const std::string& form_origin = {});

// Sets page_headers(form_origin) on any response with set_header(name, value) (httplib's), so
// common/ needs no HTTP library.
template <class Response>
void set_page_headers(Response& res, const std::string& form_origin = {}) {
  for (const auto& [name, value] : page_headers(form_origin)) res.set_header(name, value);
}

}  // namespace fini
