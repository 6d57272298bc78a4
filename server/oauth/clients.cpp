#include "oauth/clients.hpp"

#include <arpa/inet.h>
#include <httplib.h>
#include <netdb.h>

#include <memory>

#include "common/safe_json.hpp"
#include "oauth/redirect_uri.hpp"

namespace fini::oauth {

using Json = nlohmann::json;

namespace {

constexpr const char* kClientType = "client";

OAuthError metadata_error(std::string d) { return {"invalid_client_metadata", std::move(d), 400}; }

// Checks what a client declares (registration body or metadata document) and fills `out`.
std::optional<OAuthError> read_metadata(const Json& m, const ClientOptions& o, Client& out) {
  if (!m.is_object()) return metadata_error("the client metadata must be a JSON object");
  auto uris = m.find("redirect_uris");
  if (uris == m.end() || !uris->is_array() || uris->empty()) return metadata_error("redirect_uris is required");
  if (uris->size() > o.max_redirect_uris) return metadata_error("too many redirect_uris");
  for (const auto& u : *uris) {
    if (!u.is_string()) return OAuthError{"invalid_redirect_uri", "every redirect URI must be a string", 400};
    if (auto problem = redirect_uri_problem(u.get<std::string>()))
      return OAuthError{"invalid_redirect_uri", *problem, 400};
    if (!redirect_host_allowed(u.get<std::string>(), o.allowed_redirect_hosts)) {
      return OAuthError{"invalid_redirect_uri",
                        "this server sends sign-ins only to Claude (claude.ai, claude.com) and loopback addresses; its "
                        "operator can allow " +
                            uri_host(u.get<std::string>()) + " with --allowed-redirect-hosts",
                        400};
    }
    out.redirect_uris.push_back(u.get<std::string>());
  }
  if (auto name = m.find("client_name"); name != m.end()) {
    if (!name->is_string() || name->get<std::string>().size() > o.max_name_length) {
      return metadata_error("client_name must be a string of at most " + std::to_string(o.max_name_length) +
                            " characters");
    }
    out.name = name->get<std::string>();
  }
  // token_endpoint_auth_method: whatever was asked, this server registers public clients
  // ("none", echoed in the response; RFC 7591 §3.2.1 lets a server replace requested values).
  return std::nullopt;
}

bool private_address(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) {
    const auto a = ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr);
    const unsigned b0 = a >> 24, b1 = (a >> 16) & 0xff;
    return b0 == 0 || b0 == 10 || b0 == 127 || (b0 == 169 && b1 == 254) || (b0 == 172 && (b1 & 0xf0) == 16) ||
           (b0 == 192 && b1 == 168) || (b0 == 100 && (b1 & 0xc0) == 64) || b0 >= 224;
  }
  if (sa->sa_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(&a) || IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_LINKLOCAL(&a) ||
           IN6_IS_ADDR_SITELOCAL(&a) || IN6_IS_ADDR_V4MAPPED(&a) || IN6_IS_ADDR_MULTICAST(&a) ||
           (a.s6_addr[0] & 0xfe) == 0xfc;  // unique local
  }
  return true;
}

// One address for `host`, refused when it is private (SSRF) unless allowed. The fetch is then
// pinned to it, so a second DNS answer cannot swap in another address.
std::optional<std::string> resolve_public(const std::string& host, bool allow_private) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) return std::nullopt;
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(found, freeaddrinfo);
  for (auto* ai = found; ai != nullptr; ai = ai->ai_next) {
    if (!allow_private && private_address(ai->ai_addr)) return std::nullopt;
  }
  char text[INET6_ADDRSTRLEN] = {};
  const void* addr = found->ai_family == AF_INET
                         ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr)
                         : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(found->ai_addr)->sin6_addr);
  if (inet_ntop(found->ai_family, addr, text, sizeof(text)) == nullptr) return std::nullopt;
  return std::string(text);
}

// Cache-Control's max-age in seconds; 0 for no-store/no-cache; -1 when absent or unreadable.
long max_age_of(const std::string& cache_control) {
  if (cache_control.find("no-store") != std::string::npos || cache_control.find("no-cache") != std::string::npos)
    return 0;
  const auto at = cache_control.find("max-age=");
  if (at == std::string::npos) return -1;
  char* end = nullptr;
  const long v = std::strtol(cache_control.c_str() + at + 8, &end, 10);
  return end == cache_control.c_str() + at + 8 || v < 0 ? -1 : v;
}

}  // namespace

ClientRegistry::ClientRegistry(const KeyRing& ring, ClientOptions options)
    : ring_(ring),
      options_(std::move(options)),
      documents_(std::make_unique<CimdCache>(options_.documents,
                                             [this](const std::string& url) { return fetch_document(url); })) {}

ClientRegistry::~ClientRegistry() = default;

std::string ClientRegistry::render_metrics() const { return documents_->render_metrics(); }

bool ClientRegistry::is_metadata_url(const std::string& client_id) {
  if (client_id.rfind("https://", 0) != 0) return false;
  const auto path = client_id.find('/', 8);
  return path != std::string::npos && path + 1 < client_id.size() && client_id.find('#') == std::string::npos;
}

OAuthResult<Json> ClientRegistry::register_client(const Json& metadata, std::int64_t now_ms) const {
  Client client;
  if (auto problem = read_metadata(metadata, options_, client)) return *problem;
  const std::int64_t issued = now_ms / 1000;
  auto id = ring_.seal(kClientType, Json{{"r", client.redirect_uris}, {"n", client.name}, {"i", issued}});
  if (!id) return OAuthError{"server_error", "could not register the client", 500};
  Json out{{"client_id", *id},
           {"client_id_issued_at", issued},
           {"redirect_uris", client.redirect_uris},
           {"token_endpoint_auth_method", "none"},
           {"grant_types", {"authorization_code", "refresh_token"}},
           {"response_types", {"code"}}};
  if (!client.name.empty()) out["client_name"] = client.name;
  return out;
}

OAuthResult<Client> ClientRegistry::resolve(const std::string& client_id) const {
  if (client_id.empty()) return invalid_client("client_id is required");
  if (is_metadata_url(client_id)) {
    const std::size_t path_at = client_id.find('/', 8);
    return *documents_->get(client_id, client_id.substr(8, path_at - 8));
  }
  auto payload = ring_.open(kClientType, client_id);
  if (!payload) return invalid_client("unknown client: register again");
  Client client;
  client.id = client_id;
  if (auto n = payload->find("n"); n != payload->end() && n->is_string()) client.name = n->get<std::string>();
  if (auto r = payload->find("r"); r != payload->end() && r->is_array()) {
    for (const auto& u : *r) {
      if (u.is_string()) client.redirect_uris.push_back(u.get<std::string>());
    }
  }
  return client;
}

CimdFetch ClientRegistry::fetch_document(const std::string& url) const {
  long max_age = -1;
  auto found = fetch_client(url, max_age);
  return CimdFetch{std::make_shared<const OAuthResult<Client>>(std::move(found)), max_age};
}

OAuthResult<Client> ClientRegistry::fetch_client(const std::string& url, long& max_age) const {
  const std::size_t path_at = url.find('/', 8);
  const std::string authority = url.substr(8, path_at - 8);
  if (authority.find('@') != std::string::npos)
    return invalid_client("the client metadata URL must not carry user information");
  std::string host = authority;
  int port = 443;
  if (auto colon = authority.rfind(':'); colon != std::string::npos && authority.find(']') == std::string::npos) {
    host = authority.substr(0, colon);
    port = std::atoi(authority.substr(colon + 1).c_str());
  }
  if (host.empty() || port <= 0 || port > 65535) return invalid_client("the client metadata URL is not valid");
  auto address = resolve_public(host, options_.allow_private_hosts);
  if (!address) return invalid_client("the client metadata URL's host does not resolve to a public address");
  httplib::SSLClient http(host, port);
  http.set_hostname_addr_map({{host, *address}});
  if (!options_.ca_file.empty()) http.set_ca_cert_path(options_.ca_file.c_str());
  http.enable_server_certificate_verification(true);
  http.set_follow_location(false);
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(options_.fetch_timeout).count();
  http.set_connection_timeout(secs, 0);
  http.set_read_timeout(secs, 0);
  std::string body;
  bool too_big = false, too_slow = false;
  const auto deadline = std::chrono::steady_clock::now() + options_.fetch_timeout;  // a dribbling peer too
  auto res = http.Get(url.substr(path_at), [&](const char* data, std::size_t len) {
    if (body.size() + len > options_.max_document_bytes) {
      too_big = true;
      return false;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      too_slow = true;
      return false;
    }
    body.append(data, len);
    return true;
  });
  if (too_big) return invalid_client("the client metadata document is too large");
  if (too_slow) return invalid_client("the client metadata document took too long to arrive");
  if (!res || res->status != 200) return invalid_client("the client metadata document could not be fetched");
  max_age = max_age_of(res->get_header_value("Cache-Control"));
  auto doc = parse_json_safely(body).value;
  Client client;
  client.metadata_document = true;
  client.id = url;
  if (!doc.is_object() || !doc.contains("client_id") || doc["client_id"] != url) {
    return invalid_client("the client metadata document's client_id must equal its URL");
  }
  if (auto problem = read_metadata(doc, options_, client)) return invalid_client(problem->description);
  return client;
}

}  // namespace fini::oauth
