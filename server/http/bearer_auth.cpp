#include "http/bearer_auth.hpp"

#include <httplib.h>

#include "http/guards.hpp"
#include "http/http_options.hpp"
#include "http/reject.hpp"

namespace fini::http {

Credential BearerAuth::credential(const httplib::Request& req) const {
  Credential cred;
  cred.presented = req.has_header("Authorization");
  if (!cred.presented) {
    cred.key = options_.keyless_key;
    return cred;
  }
  const std::string authorization = req.get_header_value("Authorization");
  cred.key = bearer_key(authorization);
  if (!cred.key && options_.auth != nullptr) {
    if (auto token = bearer_token(authorization)) {
      cred.key = options_.auth->open_token(req, *token);
      if (cred.key) cred.reauth = options_.auth->challenge(req, true);
    }
  }
  return cred;
}

bool BearerAuth::admissible(const httplib::Request& req) const {
  if (!req.has_header("Authorization")) return options_.anonymous_discovery;
  const std::string authorization = req.get_header_value("Authorization");
  if (bearer_key(authorization)) return true;
  if (options_.auth == nullptr) return false;
  const auto token = bearer_token(authorization);
  return token && options_.auth->open_token(req, *token).has_value();
}

std::string BearerAuth::unauthorized(const httplib::Request& req, httplib::Response& res,
                                     const std::string& reason) const {
  const bool has_auth = req.has_header("Authorization");
  res.set_header("WWW-Authenticate", options_.auth != nullptr ? options_.auth->challenge(req, has_auth)
                                     : has_auth               ? "Bearer error=\"invalid_token\""
                                                              : "Bearer");
  const std::string why =
      !has_auth ? "Unauthorized: send your Fini API key as `Authorization: Bearer fini_…`."
      : options_.auth != nullptr
          ? "Unauthorized: the token is invalid or expired (sign in again), or the header is not `Bearer fini_…`."
          : "Unauthorized: the Authorization header must be `Bearer fini_…` with a Fini API key.";
  reject(metrics_, res, 401, reason, why, -32001);
  return why;
}

bool BearerAuth::key_admitted(const httplib::Request& req, const std::string& key, httplib::Response& res) const {
  if (!options_.limits) return true;
  const Verdict v = options_.limits->before_key_check(options_.limits->client_of(req), key);
  if (v.kind == Verdict::kGo) return true;
  if (v.kind == Verdict::kRefusedKey) {
    res.set_header("WWW-Authenticate",
                   options_.auth != nullptr ? options_.auth->challenge(req, true) : "Bearer error=\"invalid_token\"");
    reject(metrics_, res, 401, "refused_key_cached",
           "Unauthorized: " + v.message + " Use a valid key (Fini → Deploy → API Keys).", -32001);
    return false;
  }
  res.set_header("Retry-After", std::to_string(v.retry_after_s));
  res.set_header("Connection", "close");  // a guesser's connection does not keep a thread
  reject(metrics_, res, 429, "rate_limited", v.message, -32000);
  return false;
}

void BearerAuth::reauthenticate(const std::string& challenge, httplib::Response& res) const {
  res.set_header("WWW-Authenticate", challenge);
  reject(metrics_, res, 401, "unauthorized", "Unauthorized: Fini refused the key of this sign-in; sign in again.",
         -32001);
}

}  // namespace fini::http
