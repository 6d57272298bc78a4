#include "http/routes.hpp"

#include <httplib.h>

#include "http/http_options.hpp"
#include "http/metrics.hpp"
#include "http/reject.hpp"

namespace fini::http {

void install_service_routes(httplib::Server& svr, const HttpOptions& options, Metrics& metrics,
                            const std::atomic<bool>& draining) {
  auto not_allowed = [&metrics](const httplib::Request&, httplib::Response& res) {
    res.set_header("Allow", "POST");
    reject(metrics, res, 405, "method_not_allowed", "Method not allowed: this server takes POST /mcp only (stateless).",
           -32000);
  };
  svr.Get("/mcp", not_allowed);
  svr.Delete("/mcp", not_allowed);
  if (options.auth != nullptr) options.auth->install(svr);
  svr.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  svr.Get("/readyz", [&draining](const httplib::Request&, httplib::Response& res) {
    if (draining.load()) {
      res.status = 503;
      res.set_content("draining\n", "text/plain");
      return;
    }
    res.set_content("ready\n", "text/plain");
  });
  svr.Get("/metrics", [&options, &metrics](const httplib::Request&, httplib::Response& res) {
    std::string text = metrics.render();
    if (options.limits) text += options.limits->render_metrics();
    if (options.extra_metrics) text += options.extra_metrics();
    res.set_content(text, "text/plain; version=0.0.4");
  });
}

}  // namespace fini::http
