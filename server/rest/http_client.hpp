#pragma once
// HttpClient: moves one HTTP request to the Fini API and back. Knows nothing of JSON-RPC or MCP.
// Thread-safety: send() may be called from many threads at once (a keep-alive connection pool).
// Never throws on the request path: transport failures come back as Status in Result<T>; any
// HTTP status, 4xx/5xx included, is a successful HttpResponse. Destroy the client only after
// every send() has returned.

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cancel.hpp"
#include "common/status.hpp"
#include "rest/base_url.hpp"
#include "rest/proxy.hpp"

namespace fini::rest {

struct MultipartPart {
  std::string name;
  std::string content;
  std::string filename;      // empty: a plain form field
  std::string content_type;  // empty: none for fields, application/octet-stream for files
};

struct HttpRequest {
  std::string method;  // GET POST PUT PATCH DELETE
  std::string path;    // already-encoded path below BaseUrl::prefix, no query ("/v2/bots/x/public")
  std::vector<std::pair<std::string, std::string>> query;  // raw pairs; repeated keys allowed; encoded here
  std::optional<std::string> body;                         // sent with content_type
  std::string content_type;                                // e.g. "application/json"
  std::vector<MultipartPart> multipart;                    // non-empty: multipart/form-data, body ignored
  std::string bearer_token;  // "Authorization: Bearer …"; never logged, never in error text
  std::optional<std::chrono::milliseconds> read_timeout;  // per-request override
  bool allow_in_read_only = false;  // caller vouches this non-GET only reads (documented read POSTs)
  std::string accept = "application/json";
  // Total deadline for connect + send + the whole response (a peer dribbling bytes cannot hold
  // the call past it); nullopt: only the per-read timeouts apply.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // Cancelling this token aborts the request at once (the socket is shut) → kCancelled.
  const CancelToken* cancel = nullptr;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
  std::optional<std::string> retry_after;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  int attempts = 1;                                 // how many times the request was sent (send_with_retry sets it)
  // A 2xx JSON body send_with_retry has already parsed (depth-checked, as parse_json_safely):
  // the shaper takes it instead of parsing the body again. Empty otherwise.
  std::optional<nlohmann::json> json_body;
};

struct ClientOptions {
  BaseUrl base;
  std::string ca_file;  // empty: the system CA store (OpenSSL default paths)
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds read_timeout{60000};
  std::chrono::milliseconds write_timeout{30000};
  std::string user_agent;                           // e.g. "fini-mcp/0.1.0"; empty: "fini-mcp"
  std::size_t max_connections = 8;                  // keep-alive pool size (0 is treated as 1)
  bool read_only_guard = false;                     // refuse every method but GET unless allow_in_read_only
  std::size_t max_body_bytes = 8u * 1024u * 1024u;  // larger response bodies → kResourceExhausted
  std::optional<ProxySetting> proxy;                // set: every request goes through this CONNECT proxy (choose_proxy)
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // Errors: kInvalidArgument (malformed request: bad method, path, header characters),
  // kPermissionDenied (read-only guard), kUnavailable (could not connect, connection closed,
  // TLS failure, malformed framing or encoding), kDeadlineExceeded (no response within the read
  // timeout, or no complete response by req.deadline), kCancelled (req.cancel fired),
  // kResourceExhausted (body over max_body_bytes; reading stops at the cap), kFailedPrecondition (CA file unusable; plain http to a non-loopback host in hand-built
  // options). Messages never contain the bearer token.
  // Idempotent methods (GET PUT DELETE) are retried once on a fresh connection when a reused
  // keep-alive connection turns out to be dead; POST and PATCH never are.
  virtual Result<HttpResponse> send(const HttpRequest& req) = 0;

  // Real TCP connections opened so far (tests and benchmarks prove keep-alive reuse with it).
  virtual std::size_t connections_opened() const = 0;
};

// True when `status` (from send) says the request certainly never left: no connection was made.
// Retrying such a failure is safe for any method.
bool failed_before_sending(const Status& status);

// Creates the pooled cpp-httplib client. Does no I/O; connections open on first use.
std::unique_ptr<HttpClient> make_http_client(const ClientOptions& options);

}  // namespace fini::rest
