#pragma once
// The HTML of the sign-in flow at /authorize: the key form, the "is this the right workspace?"
// confirmation and the error pages, in the look of the stdio key page (credentials/key_page).
// Everything interpolated is HTML-escaped; sealed blobs are base64url and go into hidden fields
// only. The key itself is never rendered. Pure functions: thread-safe, never throw.

#include <string>
#include <vector>

namespace fini::oauth {

struct SignInView {
  std::string client_name;    // untrusted: escaped
  std::string redirect_host;  // where the browser goes afterwards
  bool loopback_redirect = false;
  bool claude_redirect = false;  // claude.ai / claude.com: no warning
  bool metadata_document = false;
  std::string request;  // sealed request blob (hidden field)
  std::string error;    // shown above the form
};

struct ConfirmView {
  std::string client_name;
  std::string redirect_host;
  bool loopback_redirect = false;
  bool claude_redirect = false;
  std::vector<std::string> agent_names;
  std::string access;   // e.g. "it can read this workspace; write access is checked on the first change"
  std::string pending;  // sealed pending grant (hidden field)
};

std::string sign_in_html(const SignInView& view);
std::string confirm_html(const ConfirmView& view);
std::string message_html(const std::string& title, const std::string& text);

}  // namespace fini::oauth
