#include "common/logging.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

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
}  // namespace

void setup_logging(const LogOptions& options) {
  std::shared_ptr<spdlog::logger> logger;
  if (options.file.empty()) {
    logger = std::make_shared<spdlog::logger>("fini", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  } else {
    logger = std::make_shared<spdlog::logger>(
        "fini", std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file, false));
  }
  logger->set_level(parse_level(options.level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

}  // namespace fini
