#pragma once
// AuthGate: what the HTTP transport asks of an authorization layer (the OAuth authorization
// server in oauth/, when one is configured), so the transport stays ignorant of OAuth. It adds
// routes, turns a bearer credential that is not a raw Fini key into one, and words the
// WWW-Authenticate challenge of every 401 from /mcp. Implementations are thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace httplib {
class Server;
struct Request;
}  // namespace httplib

namespace fini::http {

class AuthGate {
 public:
  virtual ~AuthGate() = default;
  virtual void install(httplib::Server& server) = 0;
  // The Fini key inside a bearer token issued by this server, or nullopt (bad, expired, or for
  // another audience). Raw `fini_…` keys never reach it.
  virtual std::optional<std::string> open_token(const httplib::Request& req, std::string_view token) = 0;
  // The WWW-Authenticate value of a 401 (invalid_token: a credential was sent but refused).
  virtual std::string challenge(const httplib::Request& req, bool invalid_token) = 0;
};

}  // namespace fini::http
