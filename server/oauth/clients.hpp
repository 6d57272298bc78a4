#pragma once
// The OAuth clients this authorization server knows, with nothing stored:
// - dynamic registration (RFC 7591): the client id is a sealed {redirect URIs, name, issued-at},
//   so any replica holding the secret can read it back; a secret removed from the ring makes
//   its ids unknown (invalid_client → the client registers again);
// - client ID metadata documents (draft-ietf-oauth-client-id-metadata-document): an https
//   client id whose JSON document is fetched (no redirects, size and time limits, public
//   addresses only unless `allow_private_hosts`, which only tests set) and checked, through a
//   CimdCache (cached, one fetch per document, its own small pool of threads).
// Thread-safe; never throws.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/keyring.hpp"
#include "oauth/cimd_cache.hpp"
#include "oauth/client.hpp"
#include "oauth/errors.hpp"

namespace fini::oauth {

struct ClientOptions {
  std::chrono::milliseconds fetch_timeout{5000};
  std::size_t max_document_bytes = 64 * 1024;
  std::string ca_file;               // empty: the system CA store
  bool allow_private_hosts = false;  // tests: a metadata document on 127.0.0.1
  std::size_t max_redirect_uris = 10;
  std::size_t max_name_length = 200;
  std::vector<std::string> allowed_redirect_hosts;  // beyond Claude and loopback (--allowed-redirect-hosts)
  CimdOptions documents;                            // the cache and fetch pool of metadata documents
};

class ClientRegistry {
 public:
  ClientRegistry(const KeyRing& ring, ClientOptions options);
  ~ClientRegistry();
  std::string render_metrics() const;

  // RFC 7591 §3.2.1 response (201) or §3.2.2 error (invalid_redirect_uri, invalid_client_metadata).
  OAuthResult<nlohmann::json> register_client(const nlohmann::json& metadata, std::int64_t now_ms) const;
  // A registered (sealed) or metadata-document client; invalid_client when it is neither.
  OAuthResult<Client> resolve(const std::string& client_id) const;
  static bool is_metadata_url(const std::string& client_id);

 private:
  CimdFetch fetch_document(const std::string& url) const;
  OAuthResult<Client> fetch_client(const std::string& url, long& max_age) const;

  const KeyRing& ring_;
  ClientOptions options_;
  std::unique_ptr<CimdCache> documents_;
};

}  // namespace fini::oauth
