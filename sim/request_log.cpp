#include "sim/request_log.hpp"

#include <regex>

namespace fini::sim {

Status RequestLog::open(const std::string& path) {
  out_.open(path, std::ios::app);
  if (!out_) return unavailable("cannot open request log " + path);
  enabled_ = true;
  return {};
}

void RequestLog::write(const nlohmann::json& record, const std::string& secret) {
  if (!enabled_) return;
  std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (secret.size() >= 4) {
    for (size_t pos = line.find(secret); pos != std::string::npos; pos = line.find(secret, pos)) {
      line.replace(pos, secret.size(), "[REDACTED]");
    }
  }
  // Anything shaped like a Fini key is masked too, whoever sent it and wherever it appears.
  static const std::regex kKeyShape("fini_[A-Za-z0-9_]{8,}");
  line = std::regex_replace(line, kKeyShape, "[REDACTED]");
  std::lock_guard<std::mutex> lock(mu_);
  out_ << line << '\n';
  out_.flush();
}

}  // namespace fini::sim
