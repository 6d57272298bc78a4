#include "common/logging.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>

namespace fini {

namespace {
spdlog::level::level_enum parse_level(const std::string& name) {
  if (name == "debug" || name == "trace") return spdlog::level::debug;
  if (name == "info" || name == "notice") return spdlog::level::info;
  if (name == "warning" || name == "warn") return spdlog::level::warn;
  if (name == "error") return spdlog::level::err;
  if (name == "critical" || name == "alert" || name == "emergency") return spdlog::level::critical;
  if (name == "off" || name == "none") return spdlog::level::off;
  return spdlog::level::warn;
}
// Hands records to the MCP session. Its own level gates forwarding; the logger's level is
// lowered to the lower of stderr's and the client's so both get what they asked for.
class ForwardSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void set_target(LogForwarder forward, void* context) {
    std::lock_guard lock(mutex_);
    forward_ = forward;
    context_ = context;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (forward_ == nullptr) return;
    const char* level = "debug";
    switch (msg.level) {
      case spdlog::level::trace:
      case spdlog::level::debug: level = "debug"; break;
      case spdlog::level::info: level = "info"; break;
      case spdlog::level::warn: level = "warning"; break;
      case spdlog::level::err: level = "error"; break;
      default: level = "critical"; break;
    }
    forward_(context_, level, std::string(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}

 private:
  LogForwarder forward_ = nullptr;
  void* context_ = nullptr;
};

std::shared_ptr<ForwardSink>& forward_sink() {
  static auto sink = [] {
    auto s = std::make_shared<ForwardSink>();
    s->set_level(spdlog::level::off);
    return s;
  }();
  return sink;
}

std::atomic<int> g_stderr_level{spdlog::level::warn};

}  // namespace

void set_log_forwarder(LogForwarder forward, void* context) { forward_sink()->set_target(forward, context); }

void set_forward_level(const std::string& min_level) {
  const auto forward_level = parse_level(min_level);
  forward_sink()->set_level(forward_level);
  const auto stderr_level = static_cast<spdlog::level::level_enum>(g_stderr_level.load());
  spdlog::default_logger()->set_level(std::min(forward_level, stderr_level));
}

void setup_logging(const LogOptions& options) {
  std::shared_ptr<spdlog::logger> logger;
  if (options.file.empty()) {
    logger = std::make_shared<spdlog::logger>("fini", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  } else {
    logger = std::make_shared<spdlog::logger>(
        "fini", std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file, false));
  }
  // The file/stderr sink keeps the user's level; the logger passes what either sink wants.
  const auto level = parse_level(options.level);
  logger->sinks().front()->set_level(level);
  g_stderr_level = level;
  logger->sinks().push_back(forward_sink());
  logger->set_level(level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

}  // namespace fini
