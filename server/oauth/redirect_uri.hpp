#pragma once
// Which redirect URIs a client may register (OAuth 2.1 §2.3.1, RFC 8252 §7.3): https with a host,
// or http on a loopback host only; no fragment, no userinfo, nothing that could break out of an
// HTML attribute or a header. Compared exactly (byte for byte) wherever they are used.
// Pure functions: thread-safe, never throw.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fini::oauth {

inline constexpr std::size_t kMaxRedirectUriLength = 2000;

// nullopt when acceptable, else what is wrong (for the client's developer).
std::optional<std::string> redirect_uri_problem(std::string_view uri);
// "scheme://host[:port]" of an acceptable URI (for the sign-in page's CSP form-action).
std::string uri_origin(std::string_view uri);
// The host of an acceptable URI (shown to the user on the sign-in page).
std::string uri_host(std::string_view uri);
bool is_loopback_uri(std::string_view uri);
// Claude's own callback hosts (claude.ai, claude.com).
bool is_claude_uri(std::string_view uri);
// Where this server lets a client send a sign-in: Claude, loopback (any port), or a host of
// `extra` ("mcp.example.com" exactly, or "*.example.com" for its subdomains), case-insensitive.
bool redirect_host_allowed(std::string_view uri, const std::vector<std::string>& extra);
// `uri` with `params` (already encoded "a=b&c=d") appended as its query (after any it has).
std::string with_query(const std::string& uri, const std::string& params);

}  // namespace fini::oauth
