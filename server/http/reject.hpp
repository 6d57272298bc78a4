#pragma once
// How the HTTP edge refuses a request: a status, a JSON-RPC error body (no id: the request may
// not have been read) and the reason counted in /metrics. Thread-safe (Metrics is).

#include <string>

namespace httplib {
struct Response;
}  // namespace httplib

namespace fini::http {

class Metrics;

inline constexpr const char* kOverloaded = "The server is at capacity; retry shortly.";

std::string json_error_body(const std::string& message, int code);
void reject(Metrics& metrics, httplib::Response& res, int status, const std::string& reason, const std::string& message,
            int rpc_code = -32600);

}  // namespace fini::http
