#include "oauth/signin_page.hpp"

#include "common/html.hpp"

namespace fini::oauth {

namespace {

// Who asks, and (large, first thing read) where the browser and the sign-in go afterwards;
// a destination that is neither Claude nor this computer gets a warning.
std::string who(const std::string& client_name, const std::string& host, bool loopback, bool claude) {
  const std::string name = client_name.empty() ? std::string("An application") : client_name;
  std::string out = "<p id=\"destination\" style=\"font-size:1.25rem\">Signing in for <b id=\"redirect-host\">" +
                    html_escape(host) + "</b></p>\n<p id=\"client\"><b>" + html_escape(name) +
                    "</b> wants to use the Fini tools of this server on your behalf. After you sign in, your browser "
                    "returns to <b>" +
                    html_escape(host) + "</b>.</p>\n";
  if (!loopback && !claude) {
    out += "<p class=\"warn\" id=\"not-claude\">" + html_escape(host) +
           " is not a Claude address (claude.ai, claude.com). Continue only if you trust it: the application there "
           "gets the use of your Fini workspace.</p>\n";
  }
  return out;
}

}  // namespace

std::string sign_in_html(const SignInView& v) {
  std::string body;
  if (!v.error.empty()) body += "<p class=\"error\" id=\"error\">" + html_escape(v.error) + "</p>\n";
  body += who(v.client_name, v.redirect_host, v.loopback_redirect, v.claude_redirect);
  if (v.loopback_redirect) {
    body +=
        "<p class=\"warn\" id=\"loopback\">That address is on your own computer: continue only if you started "
        "this sign-in from an application on this computer.</p>\n";
  }
  body +=
      "<p>Paste your Fini API key (Fini dashboard → <b>Deploy → API Keys</b>). It is checked with Fini and then "
      "sealed inside the sign-in this application receives; this server stores nothing and the key is never shown "
      "to the application or to Claude.</p>\n"
      "<form method=\"post\" action=\"/authorize\" autocomplete=\"off\">\n"
      "<input type=\"hidden\" name=\"request\" value=\"" +
      html_escape(v.request) +
      "\">\n"
      "<label for=\"key\">Fini API key</label><br>\n"
      "<input type=\"password\" id=\"key\" name=\"key\" required autofocus spellcheck=\"false\" "
      "autocomplete=\"off\" placeholder=\"fini_…\">\n"
      "<br><button type=\"submit\" id=\"continue\">Continue</button>\n</form>";
  return html_page("Sign in to Fini", body);
}

std::string confirm_html(const ConfirmView& v) {
  std::string body = who(v.client_name, v.redirect_host, v.loopback_redirect, v.claude_redirect);
  body += "<p class=\"ok\" id=\"workspace\">Fini accepted the key; " + html_escape(v.access) + ".</p>\n";
  if (v.agent_names.empty()) {
    body += "<p id=\"agents\">This workspace has no agents yet.</p>\n";
  } else {
    body += "<p>Its agents:</p>\n<ul id=\"agents\">\n";
    for (const auto& name : v.agent_names) body += "<li>" + html_escape(name) + "</li>\n";
    body += "</ul>\n";
  }
  body +=
      "<p>Is this the workspace you want to connect?</p>\n"
      "<form method=\"post\" action=\"/authorize\">\n"
      "<input type=\"hidden\" name=\"pending\" value=\"" +
      html_escape(v.pending) +
      "\">\n"
      "<button type=\"submit\" name=\"decision\" value=\"allow\" id=\"allow\">Connect this workspace</button>"
      "<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Cancel</button>\n</form>";
  return html_page("Connect this Fini workspace?", body);
}

std::string message_html(const std::string& title, const std::string& text) {
  return html_page(title, "<p class=\"error\" id=\"error\">" + html_escape(text) + "</p>");
}

}  // namespace fini::oauth
