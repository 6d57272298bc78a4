#include "common/logging.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
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
std::atomic<LogRedactor> g_redactor{nullptr};

std::string redacted(const spdlog::details::log_msg& msg) {
  std::string_view text(msg.payload.data(), msg.payload.size());
  const LogRedactor redact = g_redactor.load();
  return redact != nullptr ? redact(text) : std::string(text);
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
    forward_(context_, level, redacted(msg));
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
// Passes each record to `inner` with its message redacted.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit RedactingSink(spdlog::sink_ptr inner) : inner_(std::move(inner)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const std::string clean = redacted(msg);
    spdlog::details::log_msg copy = msg;
    copy.payload = spdlog::string_view_t(clean.data(), clean.size());
    inner_->log(copy);
  }
  void flush_() override { inner_->flush(); }

 private:
  spdlog::sink_ptr inner_;
};

}  // namespace

void set_log_forwarder(LogForwarder forward, void* context) { forward_sink()->set_target(forward, context); }

void set_forward_level(const std::string& min_level) {
  const auto forward_level = parse_level(min_level);
  forward_sink()->set_level(forward_level);
  const auto stderr_level = static_cast<spdlog::level::level_enum>(g_stderr_level.load());
  spdlog::default_logger()->set_level(std::min(forward_level, stderr_level));
}

void setup_logging(const LogOptions& options, LogRedactor redact) {
  g_redactor = redact;
  spdlog::sink_ptr out;
  if (options.file.empty()) {
    out = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    out = std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file, false);
  }
  auto logger = std::make_shared<spdlog::logger>("fini", std::make_shared<RedactingSink>(std::move(out)));
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
