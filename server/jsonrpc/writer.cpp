#include "jsonrpc/writer.hpp"

namespace fini::jsonrpc {

void Writer::write(const Json& message) {
  std::string line = serialize(message);
  line.push_back('\n');
  std::lock_guard lock(mutex_);
  if (failed_) return;
  out_.write(line.data(), static_cast<std::streamsize>(line.size()));
  out_.flush();
  if (!out_) failed_ = true;
}

void Writer::close() {
  std::lock_guard lock(mutex_);
  failed_ = true;
}

bool Writer::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

}  // namespace fini::jsonrpc
