#pragma once
// Admission at the HTTP edge, before any route and before the body: on an overflow thread 503;
// the OAuth pages only to this loopback server's Host names; the framing must be unambiguous
// (http/framing); a POST /mcp must pass the header checks (Host/Origin, draining, Accept,
// Content-Type) and, when its body is large or chunked, carry a key-shaped key or an OAuth token
// this server opens (else 401 before reading it); then the body is read here, bounded (413 at the
// limit), chunked or not. A request refused with its body unread closes its connection after the
// answer. Each refusal is counted in /metrics by its reason.
// Runs on the connection thread (it reads t_conn, http/request_scope.hpp). Thread-safety: const
// after set_port().

#include <atomic>
#include <cstddef>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace fini::http {

class BearerAuth;
class Metrics;
struct BodyFraming;
struct HttpOptions;

inline constexpr std::size_t kSmallBody = 16 * 1024;         // read even without a key (the 401 echoes the id)
inline constexpr std::size_t kOAuthBodyLimit = 32 * 1024;    // forms and registrations are small
inline constexpr std::size_t kKeylessBodyLimit = 64 * 1024;  // --anonymous-discovery: initialize, ping, lists

class Admission {
 public:
  // Each outlives this; `draining` is read at each request.
  Admission(const HttpOptions& options, Metrics& metrics, const BearerAuth& auth, const std::atomic<bool>& draining)
      : options_(options), metrics_(metrics), auth_(auth), draining_(draining) {}
  void set_port(int port) { port_ = port; }  // the bound port, which a loopback Host must name

  // httplib's pre-routing handler. True: answered (the route is not run).
  bool pre_routing(const httplib::Request& req, httplib::Response& res) const;
  // The checks of a POST /mcp that need no body: Host/Origin, draining, Accept, Content-Type.
  bool admit(const httplib::Request& req, httplib::Response& res) const;

 private:
  bool pre_route(httplib::Request& req, httplib::Response& res) const;
  bool take_body(httplib::Request& req, httplib::Response& res, const BodyFraming& framing) const;

  const HttpOptions& options_;
  Metrics& metrics_;
  const BearerAuth& auth_;
  const std::atomic<bool>& draining_;
  int port_ = 0;
};

}  // namespace fini::http
