#include "http/access_log.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <utility>

#include "common/redact.hpp"
#include "http/conn_stream.hpp"
#include "http/framing.hpp"
#include "http/metrics.hpp"
#include "http/request_scope.hpp"

namespace fini::http {
namespace {

using Json = nlohmann::json;

std::string json_escape(const std::string& s) { return Json(s).dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace

AccessLog::AccessLog(Metrics& metrics, bool enabled, Sink sink)
    : metrics_(metrics), enabled_(enabled), sink_(std::move(sink)) {}

void AccessLog::log(const httplib::Request& req, const httplib::Response& res) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_info.started).count();
  const int status = t_info.client_gone ? 499 : res.status;  // 499: the client closed the connection
  if (req.path == "/mcp") metrics_.request_done(t_info.rpc, t_info.tool.empty() ? "-" : t_info.tool, status, seconds);
  const RequestInfo info = std::exchange(t_info, RequestInfo{});  // a request rejected before routing starts clean
  if (!info.pre_routed) {  // httplib's own 400/414: the head was malformed, too big or too slow
    metrics_.rejected(t_conn.stream != nullptr && t_conn.stream->timed_out() ? "request_timeout" : "framing");
  }
  if (!enabled_) return;
  const auto echo = [](const std::string& s) { return json_escape(redact(s.substr(0, 200))); };
  std::string line =
      "{\"type\":\"access\",\"method\":" + json_escape(std::string(loggable_method(req.method))) +
      ",\"path\":" + (info.pre_routed ? echo(req.path) : std::string("\"-\"")) + ",\"rpc\":" + echo(info.rpc) +
      ",\"tool\":" + echo(info.tool) + ",\"status\":" + std::to_string(status) +
      ",\"upstream_status\":" + (info.upstream_status >= 0 ? std::to_string(info.upstream_status) : "null") +
      ",\"ms\":" + std::to_string(static_cast<long>(seconds * 1000.0)) + "}\n";
  std::lock_guard lock(mutex_);
  if (sink_) {
    sink_(line);
  } else {
    std::fputs(line.c_str(), stderr);
  }
}

}  // namespace fini::http
