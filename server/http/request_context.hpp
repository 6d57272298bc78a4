#pragma once
// What the connection thread serving a request knows about it, for the access log and metrics:
// filled by routing and by the call path (http/mcp_post, http/sse_stream), read when the
// response is logged. The handler, the content provider and httplib's logger all run on that
// thread, one request at a time, so each thread has its own.

#include <chrono>
#include <string>

namespace fini::http {

// What the access log needs about the request this connection thread is serving. The handler,
// the content provider and httplib's logger all run on that thread, one request at a time.
struct RequestInfo {
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::string rpc = "-";
  std::string tool;
  int upstream_status = -1;
  bool client_gone = false;
  bool counted = false;     // a /mcp request that took an in-flight slot
  bool pre_routed = false;  // httplib parsed its head (else it answered 400/414 itself)
};
// This thread's request, and the socket it serves (-1: unknown).
RequestInfo& request_info();
int connection_socket();

}  // namespace fini::http
