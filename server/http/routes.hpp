#pragma once
// The routes of the HTTP edge beside POST /mcp: GET and DELETE /mcp answered 405 (stateless: no
// stream to GET, no session to DELETE), the OAuth routes when an AuthGate is configured,
// /healthz, /readyz (503 while draining) and /metrics (the edge's counters, the abuse limits'
// and whatever extra_metrics adds).

#include <atomic>

namespace httplib {
class Server;
}  // namespace httplib

namespace fini::http {

class Metrics;
struct HttpOptions;

// Each argument outlives the server; `draining` is read at each /readyz.
void install_service_routes(httplib::Server& svr, const HttpOptions& options, Metrics& metrics,
                            const std::atomic<bool>& draining);

}  // namespace fini::http
