#pragma once
// What a connection thread knows about the connection and the request it is serving. httplib runs
// the pre-routing handler, the route, the content provider and the logger of one request on the
// connection's thread, one request at a time, so these are thread-locals: the task queue sets the
// socket, the connection loop the stream, admission and the call path fill in the request, and
// the access log reads it and starts the next one clean.

#include <chrono>
#include <string>

namespace fini::http {

class ConnStream;

// What the access log needs about the request this connection thread is serving.
struct RequestInfo {
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::string rpc = "-";
  std::string tool;
  int upstream_status = -1;
  bool client_gone = false;
  bool counted = false;     // a /mcp request that took an in-flight slot
  bool pre_routed = false;  // httplib parsed its head (else it answered 400/414 itself)
};

// The plain-HTTP connection this thread serves, for the pre-routing handler, which reads the
// body itself (bounded) and says whether the connection may carry another request.
struct ConnState {
  ConnStream* stream = nullptr;
  bool keep = false;  // the request was framed and read to its end
};

inline thread_local RequestInfo t_info;
inline thread_local ConnState t_conn;
inline thread_local bool t_overflow = false;  // this connection landed on an overflow thread
inline thread_local int t_conn_sock = -1;     // the socket this thread serves (-1: unknown)

}  // namespace fini::http
