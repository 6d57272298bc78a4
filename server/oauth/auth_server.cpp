#include "oauth/auth_server.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <strings.h>

#include "common/form.hpp"
#include "common/html.hpp"
#include "common/percent.hpp"
#include "common/safe_json.hpp"
#include "credentials/key_format.hpp"
#include "http/trusted_proxies.hpp"
#include "oauth/codec.hpp"
#include "oauth/redirect_uri.hpp"
#include "oauth/signin_page.hpp"

namespace fini::oauth {

using Json = nlohmann::json;

namespace {

constexpr const char* kScope = "mcp";
constexpr const char* kRequestType = "authreq";
constexpr const char* kPendingType = "pending";
constexpr std::size_t kMaxFormBytes = 32 * 1024;

std::string str(const Json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void send_json(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_header("Pragma", "no-cache");
  res.set_content(body.dump(), "application/json");
}

void send_error(httplib::Response& res, const OAuthError& e) {
  send_json(res, e.http_status, Json{{"error", e.error}, {"error_description", e.description}});
}

void send_page(httplib::Response& res, int status, const std::string& html, const std::string& form_origin = {}) {
  res.status = status;
  set_page_headers(res, form_origin);
  res.set_content(html, "text/html; charset=utf-8");
}

using Params = std::multimap<std::string, std::string>;

Params form_params(const httplib::Request& req) {
  Params out;
  if (req.body.size() <= kMaxFormBytes &&
      req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
    // A malformed %-escape refuses the whole form: the request then lacks its parameters.
    if (auto fields = parse_form(req.body)) out.insert(fields->begin(), fields->end());
  }
  return out;
}

// A parameter's value; `repeated` is set when it came more than once (RFC 6749 §3.1: an error).
std::string param(const Params& p, const char* name, bool* repeated = nullptr) {
  auto range = p.equal_range(name);
  if (range.first == range.second) return {};
  if (repeated != nullptr && std::next(range.first) != range.second) *repeated = true;
  return range.first->second;
}

std::string cookie_value(const httplib::Request& req, const std::string& name) {
  const std::string header = req.get_header_value("Cookie");
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(pos, end - pos);
    part.erase(0, part.find_first_not_of(' '));
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return {};
}

bool plausible_host(const std::string& host) {
  if (host.empty() || host.size() > 255) return false;
  for (char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']')
      return false;
  }
  return true;
}

std::string enc(const std::string& v) { return httplib::detail::encode_query_param(v); }

// A client that authenticates with HTTP Basic (client_secret_basic) names itself there, not in
// the body; its secret, if any, is ignored (public clients).
std::string basic_client_id(const std::string& authorization) {
  if (authorization.size() < 7 || strncasecmp(authorization.c_str(), "Basic ", 6) != 0) return {};
  const std::string encoded = authorization.substr(6);
  std::string std64 = encoded;
  for (char& c : std64) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!std64.empty() && std64.back() == '=') std64.pop_back();
  auto decoded = base64url_decode(std64);
  if (!decoded) return {};
  return percent_decode(decoded->substr(0, decoded->find(':'))).value_or(std::string());
}

}  // namespace

AuthServer::AuthServer(KeyRing ring, KeyChecker checker, AuthServerOptions options)
    : ring_(std::move(ring)),
      checker_(std::move(checker)),
      options_(std::move(options)),
      tokens_(ring_, options_.tokens),
      clients_(ring_, options_.clients) {}

std::string AuthServer::base_url(const httplib::Request& req) const {
  if (!options_.public_url.empty()) return options_.public_url;
  // X-Forwarded-Proto only from a proxy named by --trusted-proxies: anyone else could claim https.
  const bool https =
      options_.tls || (req.get_header_value("X-Forwarded-Proto") == "https" && http::is_trusted_proxy(req.remote_addr));
  std::string host = req.get_header_value("Host");
  if (!plausible_host(host)) host = "invalid-host";
  return std::string(https ? "https://" : "http://") + host;
}

std::string AuthServer::challenge(const httplib::Request& req, bool invalid_token) {
  std::string value = "Bearer ";
  if (invalid_token) value += "error=\"invalid_token\", ";
  return value + "resource_metadata=\"" + base_url(req) + "/.well-known/oauth-protected-resource/mcp\", scope=\"" +
         kScope + "\"";
}

std::optional<std::string> AuthServer::open_token(const httplib::Request& req, std::string_view token) {
  auto opened = tokens_.open_access(std::string(token), base_url(req) + "/mcp");
  if (auto* ok = std::get_if<TokenService::Opened>(&opened)) return ok->key;
  return std::nullopt;
}

void AuthServer::install(httplib::Server& svr) {
  auto prm = [this](const httplib::Request& req, httplib::Response& res) { protected_resource(req, res); };
  svr.Get("/.well-known/oauth-protected-resource", prm);
  svr.Get("/.well-known/oauth-protected-resource/mcp", prm);
  svr.Get("/.well-known/oauth-authorization-server",
          [this](const httplib::Request& req, httplib::Response& res) { server_metadata(req, res); });
  svr.Post("/register", [this](const httplib::Request& req, httplib::Response& res) { register_client(req, res); });
  svr.Get("/authorize", [this](const httplib::Request& req, httplib::Response& res) { authorize_get(req, res); });
  svr.Post("/authorize", [this](const httplib::Request& req, httplib::Response& res) { authorize_post(req, res); });
  svr.Post("/token", [this](const httplib::Request& req, httplib::Response& res) { token(req, res); });
}

std::string AuthServer::render_metrics() const {
  return clients_.render_metrics() +
         "# HELP fini_mcp_oauth_refresh_reuse_total Refresh tokens (or codes) used twice; each revoked its sign-in.\n"
         "# TYPE fini_mcp_oauth_refresh_reuse_total counter\nfini_mcp_oauth_refresh_reuse_total " +
         std::to_string(tokens_.refresh_reuses()) + "\n";
}

void AuthServer::protected_resource(const httplib::Request& req, httplib::Response& res) const {
  const std::string base = base_url(req);
  send_json(res, 200,
            Json{{"resource", base + "/mcp"},
                 {"authorization_servers", {base}},
                 {"scopes_supported", {kScope}},
                 {"bearer_methods_supported", {"header"}},
                 {"resource_name", options_.resource_name}});
}

void AuthServer::server_metadata(const httplib::Request& req, httplib::Response& res) const {
  const std::string base = base_url(req);
  send_json(res, 200,
            Json{{"issuer", base},
                 {"authorization_endpoint", base + "/authorize"},
                 {"token_endpoint", base + "/token"},
                 {"registration_endpoint", base + "/register"},
                 {"response_types_supported", {"code"}},
                 {"grant_types_supported", {"authorization_code", "refresh_token"}},
                 {"code_challenge_methods_supported", {"S256"}},
                 {"token_endpoint_auth_methods_supported", {"none"}},
                 {"client_id_metadata_document_supported", true},
                 {"authorization_response_iss_parameter_supported", true},
                 {"scopes_supported", {kScope}}});
}

// A per-client limit of `limit`; when reached, 429 + Retry-After as a page or OAuth JSON.
bool AuthServer::within_limit(const httplib::Request& req, http::Limit limit, httplib::Response& res, bool page) const {
  if (!options_.limits) return true;
  const http::Verdict v = options_.limits->take(limit, options_.limits->client_of(req));
  if (v.kind == http::Verdict::kGo) return true;
  res.set_header("Retry-After", std::to_string(v.retry_after_s));
  res.set_header("Connection", "close");
  if (page)
    send_page(res, 429, message_html("Too many attempts", v.message));
  else
    send_error(res, OAuthError{"temporarily_unavailable", v.message, 429});
  return false;
}

void AuthServer::register_client(const httplib::Request& req, httplib::Response& res) const {
  if (!within_limit(req, http::Limit::kRegister, res, false)) return;
  auto body = parse_json_safely(req.body).value;
  if (req.body.size() > kMaxFormBytes || !body.is_object()) {
    send_error(res, OAuthError{"invalid_client_metadata", "the body must be a JSON object (RFC 7591)", 400});
    return;
  }
  auto out = clients_.register_client(body, tokens_.now_ms());
  if (auto* e = std::get_if<OAuthError>(&out)) {
    send_error(res, *e);
    return;
  }
  send_json(res, 201, std::get<Json>(out));
}

std::string AuthServer::cookie_name(const httplib::Request& req) const {
  // __Host- (Secure, no Domain, Path=/) where the page is https; plain on a loopback http page.
  return base_url(req).rfind("https://", 0) == 0 ? "__Host-fini_signin" : "fini_signin";
}

bool AuthServer::csrf_ok(const httplib::Request& req, const Json& blob) const {
  const std::string nonce = str(blob, "n");
  return !nonce.empty() && equal_constant_time(cookie_value(req, cookie_name(req)), nonce);
}

namespace {

// Errors the client is told about on its redirect URI (it is known good by now).
void redirect_error(httplib::Response& res, const std::string& uri, const std::string& error,
                    const std::string& description, const std::string& state, const std::string& issuer) {
  std::string q = "error=" + enc(error) + "&error_description=" + enc(description);
  if (!state.empty()) q += "&state=" + enc(state);
  q += "&iss=" + enc(issuer);
  res.status = 303;
  res.set_header("Cache-Control", "no-store");
  res.set_header("Location", with_query(uri, q));
}

}  // namespace

void AuthServer::authorize_get(const httplib::Request& req, httplib::Response& res) {
  Params p(req.params.begin(), req.params.end());
  bool repeated = false;
  const std::string client_id = param(p, "client_id", &repeated);
  std::string redirect_uri = param(p, "redirect_uri", &repeated);
  const std::string base = base_url(req);
  if (base.rfind("https://", 0) != 0 && !is_loopback_uri(base)) {
    send_page(res, 400,
              message_html("Use https",
                           "This sign-in page takes your Fini key, so it is served only over "
                           "https (or on this computer's loopback address)."));
    return;
  }
  auto client = clients_.resolve(client_id);
  if (auto* e = std::get_if<OAuthError>(&client); e != nullptr && e->http_status == 503) {
    res.set_header("Retry-After", "5");
    res.set_header("Connection", "close");  // free the connection thread now, not after keep-alive
    send_page(res, 503,
              message_html("Busy, try again",
                           "This server is busy fetching the details of applications "
                           "signing in (" +
                               e->description +
                               "). Reload this page in a "
                               "few seconds."));
    return;
  }
  if (auto* e = std::get_if<OAuthError>(&client)) {  // never redirect to an unverified URI
    if (ClientRegistry::is_metadata_url(client_id)) res.set_header("Connection", "close");
    send_page(res, 400,
              message_html("Unknown application", e->description + ". Go back to the application and "
                                                                   "connect again."));
    return;
  }
  const Client& c = std::get<Client>(client);
  if (redirect_uri.empty() && c.redirect_uris.size() == 1) redirect_uri = c.redirect_uris.front();
  if (std::find(c.redirect_uris.begin(), c.redirect_uris.end(), redirect_uri) == c.redirect_uris.end() || repeated ||
      !redirect_host_allowed(redirect_uri,
                             options_.clients.allowed_redirect_hosts)) {  // registered before a policy change
    send_page(res, 400,
              message_html("Invalid redirect",
                           "The application asked to return to an address it did not "
                           "register; nothing was sent there."));
    return;
  }
  const std::string state = param(p, "state");
  const std::string resource = param(p, "resource", &repeated);
  auto fail = [&](const std::string& error, const std::string& why) {
    redirect_error(res, redirect_uri, error, why, state, base);
  };
  if (repeated) return fail("invalid_request", "a parameter was sent more than once");
  if (param(p, "response_type") != "code") return fail("unsupported_response_type", "response_type must be code");
  const std::string challenge = param(p, "code_challenge");
  if (challenge.size() != 43 || param(p, "code_challenge_method") != "S256") {
    return fail("invalid_request", "PKCE is required: code_challenge with code_challenge_method=S256");
  }
  if (!resource.empty() && resource != base + "/mcp")
    return fail("invalid_target", "resource must be " + base + "/mcp");
  auto nonce = random_bytes(24);
  auto request = nonce ? ring_.seal(kRequestType, Json{{"cid", c.id},
                                                       {"cn", c.name},
                                                       {"ru", redirect_uri},
                                                       {"cc", challenge},
                                                       {"st", state},
                                                       {"rs", base + "/mcp"},
                                                       {"md", c.metadata_document},
                                                       {"n", base64url_encode(*nonce)},
                                                       {"e", tokens_.now_ms() + options_.page_ttl.count() * 1000}})
                       : std::nullopt;
  if (!request) return fail("server_error", "could not start the sign-in");
  const bool secure = base.rfind("https://", 0) == 0;
  res.set_header("Set-Cookie", cookie_name(req) + "=" + base64url_encode(*nonce) +
                                   "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                   std::to_string(options_.page_ttl.count()) + (secure ? "; Secure" : ""));
  send_page(res, 200,
            sign_in_html(SignInView{c.name, uri_host(redirect_uri), is_loopback_uri(redirect_uri),
                                    is_claude_uri(redirect_uri), c.metadata_document, *request, ""}),
            uri_origin(redirect_uri));
}

void AuthServer::authorize_post(const httplib::Request& req, httplib::Response& res) {
  // A form POST from a browser always carries Origin; it must be this server (login CSRF,
  // DNS rebinding), on top of the cookie bound into the sealed form.
  if (!within_limit(req, http::Limit::kAuthorize, res, true)) return;
  if (req.get_header_value("Origin") != base_url(req)) {
    send_page(res, 403, message_html("Forbidden", "This form only accepts submissions from its own page."));
    return;
  }
  const Params p = form_params(req);
  const std::string type = p.count("pending") > 0 ? kPendingType : kRequestType;
  auto blob = ring_.open(type, param(p, type == kPendingType ? "pending" : "request"));
  if (!blob || tokens_.now_ms() >= blob->value("e", std::int64_t{0})) {
    send_page(res, 400, message_html("This sign-in has expired", "Go back to the application and connect again."));
    return;
  }
  if (!csrf_ok(req, *blob)) {
    send_page(res, 403,
              message_html("Form expired",
                           "The form token did not match. Go back to the application and "
                           "connect again."));
    return;
  }
  if (type == kPendingType)
    confirm_step(req, res, *blob);
  else
    check_key_step(req, res, *blob);
}

// Whether a submitted key may go to Fini: a few submissions per sign-in form, only key-shaped
// values, none Fini refused moments ago, within the client's and the server's key-check rates.
bool AuthServer::key_may_be_checked(const httplib::Request& req, httplib::Response& res, const std::string& key,
                                    const Json& request, const std::function<void(int, const std::string&)>& again) {
  if (auto s = credentials::check_key_format(key); !s.ok()) {
    again(400, s.message());
    return false;
  }
  if (!options_.limits) return true;
  const double left_s = static_cast<double>(request.value("e", std::int64_t{0}) - tokens_.now_ms()) / 1000.0;
  if (!options_.limits->signin_attempt(str(request, "n"), left_s)) {
    send_page(res, 429,
              message_html("Too many attempts",
                           "This sign-in form has had too many keys submitted. Go back "
                           "to the application and connect again."));
    return false;
  }
  const http::Verdict v = options_.limits->before_key_check(options_.limits->client_of(req), key);
  if (v.kind == http::Verdict::kRefusedKey) {
    again(400, v.message + " Copy the key again from the Fini dashboard (Deploy → API Keys).");
    return false;
  }
  if (v.kind == http::Verdict::kLimited) {
    res.set_header("Retry-After", std::to_string(v.retry_after_s));
    again(429, v.message);
    return false;
  }
  return true;
}

void AuthServer::check_key_step(const httplib::Request& req, httplib::Response& res, const Json& request) {
  const Params p = form_params(req);
  const std::string key(credentials::trim(param(p, "key")));
  const std::string ru = str(request, "ru");
  auto again = [&](int status, const std::string& error) {
    send_page(res, status,
              sign_in_html(SignInView{str(request, "cn"), uri_host(ru), is_loopback_uri(ru), is_claude_uri(ru),
                                      request.value("md", false), param(p, "request"), error}),
              uri_origin(ru));
  };
  if (!key_may_be_checked(req, res, key, request, again)) return;
  auto check = checker_(key);
  if (options_.limits)
    options_.limits->key_answered(key, check.ok() ? 200 : check.status().code() == Code::kUnauthenticated ? 401 : 0);
  if (!check.ok()) {
    const Code code = check.status().code();
    return again(code == Code::kUnavailable || code == Code::kDeadlineExceeded ? 502 : 400, check.status().message());
  }
  Json pending = request;
  pending["k"] = key;
  pending["e"] = tokens_.now_ms() + options_.page_ttl.count() * 1000;
  auto sealed = ring_.seal(kPendingType, pending);
  if (!sealed) return again(500, "could not continue the sign-in; try again");
  ConfirmView view{str(request, "cn"),
                   uri_host(ru),
                   is_loopback_uri(ru),
                   is_claude_uri(ru),
                   {},
                   credentials::access_text(*check),
                   *sealed};
  for (const auto& agent : check->agents) {
    if (agent.is_object() && agent.contains("name") && agent["name"].is_string()) {
      view.agent_names.push_back(agent["name"].get<std::string>());
    }
  }
  send_page(res, 200, confirm_html(view), uri_origin(ru));
}

void AuthServer::confirm_step(const httplib::Request& req, httplib::Response& res, const Json& pending) {
  const Params p = form_params(req);
  const std::string ru = str(pending, "ru"), state = str(pending, "st"), issuer = base_url(req);
  if (param(p, "decision") != "allow") {
    redirect_error(res, ru, "access_denied", "the user cancelled the sign-in", state, issuer);
    return;
  }
  // One code per sign-in: the confirmation cannot be posted again to mint more.
  const auto use = used_signins_.use(
      str(pending, "n"), pending.value("e", std::int64_t{0}) + options_.page_ttl.count() * 1000, tokens_.now_ms());
  if (use == ReplayGuard::Use::kReplay) {
    send_page(res, 400,
              message_html("This sign-in is already complete",
                           "It gave the application its one authorization "
                           "code. To connect again, start from the application."));
    return;
  }
  if (use == ReplayGuard::Use::kFull) {
    redirect_error(res, ru, "temporarily_unavailable", "too many sign-ins at once; try again in a minute", state,
                   issuer);
    return;
  }
  auto code = tokens_.issue_code(
      CodeGrant{str(pending, "k"), str(pending, "cid"), ru, str(pending, "cc"), str(pending, "rs"), kScope});
  if (!code) {
    redirect_error(res, ru, "server_error", "could not issue the authorization code", state, issuer);
    return;
  }
  std::string q = "code=" + enc(*code);
  if (!state.empty()) q += "&state=" + enc(state);
  q += "&iss=" + enc(issuer);
  res.status = 303;
  res.set_header("Cache-Control", "no-store");
  res.set_header("Location", with_query(ru, q));
  // The form's cookie has done its job.
  res.set_header("Set-Cookie", cookie_name(req) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                   std::string(issuer.rfind("https://", 0) == 0 ? "; Secure" : ""));
}

void AuthServer::token(const httplib::Request& req, httplib::Response& res) {
  if (!within_limit(req, http::Limit::kToken, res, false)) return;
  const Params p = form_params(req);
  bool repeated = false;
  const std::string grant = param(p, "grant_type", &repeated);
  std::string client_id = param(p, "client_id", &repeated);
  const std::string resource = param(p, "resource", &repeated);
  if (repeated) return send_error(res, invalid_request("a parameter was sent more than once"));
  if (client_id.empty()) client_id = basic_client_id(req.get_header_value("Authorization"));
  if (client_id.empty()) return send_error(res, invalid_client("client_id is required (public clients)"));
  // A metadata-document client was checked at /authorize and is bound into the code; a
  // registered one must still open under this server's secrets.
  if (!ClientRegistry::is_metadata_url(client_id)) {
    auto client = clients_.resolve(client_id);
    if (auto* e = std::get_if<OAuthError>(&client)) return send_error(res, *e);
  }
  OAuthResult<Json> out = invalid_request("grant_type must be authorization_code or refresh_token");
  if (grant == "authorization_code") {
    out =
        tokens_.redeem_code(param(p, "code"), client_id, param(p, "redirect_uri"), param(p, "code_verifier"), resource);
  } else if (grant == "refresh_token") {
    out = tokens_.refresh(param(p, "refresh_token"), client_id, resource);
  } else if (!grant.empty()) {
    out = OAuthError{"unsupported_grant_type", "grant_type must be authorization_code or refresh_token", 400};
  }
  if (auto* e = std::get_if<OAuthError>(&out)) return send_error(res, *e);
  send_json(res, 200, std::get<Json>(out));
}

}  // namespace fini::oauth
