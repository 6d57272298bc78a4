#pragma once
// The caller's credential on POST /mcp, from its Authorization header: a raw `fini_` key, a key
// opened from an OAuth access token through the AuthGate, or (--sandbox) the keyless key when no
// header was sent at all. Also the 401 answers with their WWW-Authenticate challenges, and the
// key-guessing limits (http/abuse_limits) for a raw key on its way to Fini. The key is never
// logged, echoed or put in a refusal's text.
// Thread-safety: const after construction (the AuthGate and AbuseLimits are thread-safe).

#include <optional>
#include <string>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace fini::http {

class Metrics;
struct HttpOptions;

struct Credential {
  bool presented = false;             // an Authorization header was sent
  std::optional<std::string> key;     // the caller's Fini key; none: no header, or not a key
  std::optional<std::string> reauth;  // the key came in an OAuth token: the 401 challenge if Fini refuses it
};

class BearerAuth {
 public:
  // Both outlive this.
  BearerAuth(const HttpOptions& options, Metrics& metrics) : options_(options), metrics_(metrics) {}

  Credential credential(const httplib::Request& req) const;
  // Whether a POST /mcp may have its body read: a key-shaped key, an OAuth token this server
  // opens, or no credential where anonymous discovery allows one (the body names the method).
  bool admissible(const httplib::Request& req) const;
  // 401 with the challenge for this request; returns the text (a modern reply echoes it with the id).
  std::string unauthorized(const httplib::Request& req, httplib::Response& res, const std::string& reason) const;
  // A raw key on its way to Fini: refused at once (401) when Fini refused it moments ago, 429 and
  // the connection closed when its client (or everybody) has tried too many new keys. True: go.
  bool key_admitted(const httplib::Request& req, const std::string& key, httplib::Response& res) const;
  // Fini refused the key inside an OAuth token: 401 with `challenge`, back to sign-in.
  void reauthenticate(const std::string& challenge, httplib::Response& res) const;

 private:
  const HttpOptions& options_;
  Metrics& metrics_;
};

}  // namespace fini::http
