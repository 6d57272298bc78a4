#pragma once
// --request-log: one JSON object per line per request. API keys are never written: the Authorization
// header is not logged, only a key fingerprint, and any known key text inside a logged body or query
// is replaced by "[REDACTED]".
// Thread-safety: write() is safe for concurrent use. open() may fail (Status); write() never throws.

#include <fstream>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.hpp"

namespace fini::sim {

class RequestLog {
 public:
  Status open(const std::string& path);
  bool enabled() const { return enabled_; }
  // secret: text that must not appear in the line (the presented bearer token).
  void write(const nlohmann::json& record, const std::string& secret);

 private:
  std::mutex mu_;
  std::ofstream out_;
  bool enabled_ = false;
};

}  // namespace fini::sim
