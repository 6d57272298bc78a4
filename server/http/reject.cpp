#include "http/reject.hpp"

#include <httplib.h>

#include "http/metrics.hpp"
#include "jsonrpc/message.hpp"

namespace fini::http {

std::string json_error_body(const std::string& message, int code) {
  return jsonrpc::serialize(jsonrpc::make_error(nullptr, jsonrpc::Error{code, message, nullptr}));
}

void reject(Metrics& metrics, httplib::Response& res, int status, const std::string& reason, const std::string& message,
            int rpc_code) {
  res.status = status;
  res.set_content(json_error_body(message, rpc_code), "application/json");
  metrics.rejected(reason);
}

}  // namespace fini::http
