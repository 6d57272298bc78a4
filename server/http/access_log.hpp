#pragma once
// The access log of the HTTP edge: one JSON line per response (stderr by default) and the /mcp
// request counters. Never the key, the body or any header value: method, path, JSON-RPC method,
// tool, statuses, time. What the client chose is redacted and cut short; a method that is not a
// known HTTP token prints as "INVALID", and a request httplib could not parse shows no path (its
// bytes may hold a key). 499: the client closed the connection before its answer. A request whose
// head httplib refused itself is counted as rejected ("request_timeout" when the deadline cut it,
// else "framing").
// Called by httplib's logger on the connection thread: it reads t_info and t_conn
// (http/request_scope.hpp) and leaves t_info clean for the next request. Thread-safe.

#include <functional>
#include <mutex>
#include <string>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace fini::http {

class Metrics;

class AccessLog {
 public:
  using Sink = std::function<void(const std::string& line)>;
  // `enabled` false: counters only. `sink` takes each line, newline included (empty: stderr).
  AccessLog(Metrics& metrics, bool enabled, Sink sink = {});
  void log(const httplib::Request& req, const httplib::Response& res);

 private:
  Metrics& metrics_;
  const bool enabled_;
  const Sink sink_;
  std::mutex mutex_;
};

}  // namespace fini::http
