#pragma once
// The HTTP edge's listener: httplib's Server (or SSLServer) with its connection loop replaced by
// ours over http/conn_stream, one stream per connection, so that pipelined requests are answered
// in order, each request has a total read deadline and a head budget, a request refused with its
// body unread ends the connection after the response (lingering, so the client can read it), and
// memory goes back after a big body. The TLS handshake is ours too (within the read timeout), so
// the same loop serves both. A head not received in time is answered 408.
// The loop sets t_conn (http/request_scope.hpp) while httplib handles each request; whoever
// handles it sets t_conn.keep once the request was read to its end (else the connection closes).
// Thread-safety: as httplib::Server; stop_accepting() from any thread.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace httplib {
class Server;
}  // namespace httplib

namespace fini::http {

inline constexpr std::size_t kHeadBudget = 64 * 1024;  // request line and headers
inline constexpr std::size_t kTrimAfter = 1 << 20;     // give memory back after requests this big

// httplib's Server or SSLServer, able to stop accepting without ending streams in progress
// (httplib's stop() marks the server stopped, which cuts chunked responses mid-way).
class Listener {
 public:
  virtual ~Listener() = default;
  virtual httplib::Server& server() = 0;
  // shutdown() on the listening socket refuses new connections and makes accept() fail, so
  // httplib's loop ends and joins its connection threads, which finish what they are serving.
  virtual void stop_accepting() = 0;
  // cpp-httplib 0.11 listens with a backlog of 5: a burst of new connections (clients starting
  // together, a proxy refilling its pool) overflows it. Call after binding.
  virtual void raise_backlog() = 0;
};

struct EdgeLimits {
  std::chrono::milliseconds read_timeout, write_timeout, keep_alive, request_timeout;
};

struct EdgeHooks {
  std::function<void(int)> linger;  // takes a socket to close gracefully (the client may still be sending)
  std::function<void()> timed_out;  // a request was not received within request_timeout
};

// Plain HTTP.
std::unique_ptr<Listener> make_edge_listener(const EdgeLimits& limits, EdgeHooks hooks);
// HTTPS with a PEM certificate chain and key; null when they cannot be loaded.
std::unique_ptr<Listener> make_tls_edge_listener(const EdgeLimits& limits, EdgeHooks hooks, const std::string& cert,
                                                 const std::string& key);

}  // namespace fini::http
