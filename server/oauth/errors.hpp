#pragma once
// An OAuth error answer (RFC 6749 §5.2 / RFC 7591 §3.2.2): the `error` code, a description for
// people (never quoting a key, code, token or verifier), and the HTTP status to send it with.

#include <string>
#include <utility>
#include <variant>

namespace fini::oauth {

struct OAuthError {
  std::string error;
  std::string description;
  int http_status = 400;
};

inline OAuthError invalid_request(std::string d) { return {"invalid_request", std::move(d), 400}; }
inline OAuthError invalid_grant(std::string d) { return {"invalid_grant", std::move(d), 400}; }
// 401 at the token endpoint is how a client learns to register again.
inline OAuthError invalid_client(std::string d) { return {"invalid_client", std::move(d), 401}; }
inline OAuthError invalid_target(std::string d) { return {"invalid_target", std::move(d), 400}; }

template <typename T>
using OAuthResult = std::variant<T, OAuthError>;

}  // namespace fini::oauth
