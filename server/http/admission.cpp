#include "http/admission.hpp"

#include <httplib.h>

#include <algorithm>
#include <string>

#include "http/bearer_auth.hpp"
#include "http/body_reader.hpp"
#include "http/conn_stream.hpp"
#include "http/framing.hpp"
#include "http/guards.hpp"
#include "http/http_options.hpp"
#include "http/metrics.hpp"
#include "http/reject.hpp"
#include "http/request_scope.hpp"

namespace fini::http {
namespace {

// httplib writes `Connection: close` when the request asked for it: the server closes after this.
void close_after(httplib::Request& req) {
  req.headers.erase("Connection");
  req.headers.emplace("Connection", "close");
}

// The body is ours now (read, or never to be read): httplib must not read one.
void no_body(httplib::Request& req) {
  req.headers.erase("Transfer-Encoding");
  req.headers.erase("Content-Length");
  req.headers.emplace("Content-Length", "0");
}

bool is_oauth_form(const httplib::Request& req) {
  return req.path == "/token" || req.path == "/register" || req.path == "/authorize";
}

}  // namespace

bool Admission::pre_routing(const httplib::Request& req, httplib::Response& res) const {
  t_info = RequestInfo{};
  t_info.pre_routed = true;
  if (t_conn.stream != nullptr) t_conn.stream->end_head();
  // httplib's own request object, mutable where it lives: the body is read here, not by httplib.
  auto& mreq = const_cast<httplib::Request&>(req);
  const auto handled = [&mreq] {
    if (!t_conn.keep) close_after(mreq);
    return true;
  };
  // The OAuth pages take a key: on loopback they answer only to loopback Host names (DNS rebinding).
  const bool oauth_path = req.path.rfind("/.well-known/", 0) == 0 || is_oauth_form(req);
  if (options_.auth != nullptr && oauth_path &&
      !host_allowed(OriginPolicy{options_.allowed_origins, is_loopback_host(options_.host), port_},
                    req.get_header_value("Host"))) {
    res.status = 403;
    res.set_content("Forbidden: Host is not this loopback server (DNS rebinding protection).\n", "text/plain");
    metrics_.rejected("host");
    return handled();
  }
  if (t_overflow) {
    reject(metrics_, res, 503, "overloaded", kOverloaded, -32000);
    res.set_header("Retry-After", std::to_string(options_.retry_after_s));
    return handled();
  }
  if (pre_route(mreq, res)) return handled();
  return false;
}

// Framing first; a POST /mcp with a body worth reading must pass the header checks and carry a
// key-shaped (or valid OAuth) credential; then the body is read. True: answered.
bool Admission::pre_route(httplib::Request& req, httplib::Response& res) const {
  const FramingVerdict verdict = check_framing(req.headers);
  if (!verdict.framing) {
    reject(metrics_, res, 400, "framing", verdict.refusal);
    return true;
  }
  const BodyFraming& framing = *verdict.framing;
  if (!framing.chunked && framing.length == 0) {
    no_body(req);  // HTTP/1.1: no Content-Length, no body (httplib would read to the end of the connection)
    t_conn.keep = true;
    return false;
  }
  if (req.path == "/mcp" && req.method == "POST") {
    if (!admit(req, res)) return true;
    if ((framing.chunked || framing.length > kSmallBody) && !auth_.admissible(req)) {
      auth_.unauthorized(req, res, "unauthorized_before_body");
      return true;
    }
  }
  return take_body(req, res, framing);
}

bool Admission::take_body(httplib::Request& req, httplib::Response& res, const BodyFraming& framing) const {
  const bool oauth = options_.auth != nullptr && is_oauth_form(req);
  if (req.method != "POST" || (req.path != "/mcp" && !oauth)) {
    no_body(req);  // nothing here takes a body: left unread, and the connection closed after the answer
    return false;
  }
  const bool keyless = !req.has_header("Authorization");
  const std::size_t limit = oauth     ? kOAuthBodyLimit
                            : keyless ? std::min(kKeylessBodyLimit, options_.max_body_bytes)
                                      : options_.max_body_bytes;
  const std::string too_large = "Payload Too Large: the body exceeds " + std::to_string(limit) + " bytes" +
                                (oauth || keyless ? "." : " (--max-body-bytes).");
  if (t_conn.stream == nullptr) {  // not on our connection loop (never, today): refuse rather than read unbounded
    reject(metrics_, res, 500, "framing", "Internal error: no connection to read the body from.");
    return true;
  }
  std::string body;
  switch (read_body(*t_conn.stream, framing, limit, body)) {
    case BodyResult::kOk: break;
    case BodyResult::kTooLarge: reject(metrics_, res, 413, "body_too_large", too_large); return true;
    case BodyResult::kTimeout:
      reject(metrics_, res, 408, "request_timeout", "Request Timeout: the request was not received in time.");
      return true;
    case BodyResult::kMalformed:
      reject(metrics_, res, 400, "framing", "Bad Request: the body is cut short or its chunked framing is malformed.");
      return true;
  }
  req.body = std::move(body);
  no_body(req);
  t_conn.keep = true;
  return false;
}

bool Admission::admit(const httplib::Request& req, httplib::Response& res) const {
  OriginPolicy policy{options_.allowed_origins, is_loopback_host(options_.host), port_};
  if (!host_allowed(policy, req.get_header_value("Host"))) {
    reject(metrics_, res, 403, "host", "Forbidden: Host is not this loopback server (DNS rebinding protection).");
    return false;
  }
  if (!origin_allowed(policy, req.get_header_value("Origin"))) {
    reject(metrics_, res, 403, "origin", "Forbidden: Origin not allowed (see --allowed-origins).");
    return false;
  }
  if (draining_.load()) {
    res.set_header("Retry-After", std::to_string(options_.retry_after_s));
    res.set_header("Connection", "close");
    reject(metrics_, res, 503, "draining", "The server is shutting down; retry (another replica will answer).", -32000);
    return false;
  }
  if (!accepts(req.get_header_value("Accept"), "application/json") && req.has_header("Accept")) {
    reject(metrics_, res, 406, "accept",
           "Not Acceptable: the client must accept application/json (and text/event-stream).");
    return false;
  }
  const std::string type = req.get_header_value("Content-Type");
  if (type.rfind("application/json", 0) != 0) {
    reject(metrics_, res, 415, "content_type", "Unsupported Media Type: the body must be application/json.");
    return false;
  }
  return true;
}

}  // namespace fini::http
