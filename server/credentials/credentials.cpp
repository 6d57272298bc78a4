#include "credentials/credentials.hpp"

namespace fini::credentials {

Result<std::string> StaticCredentials::key(mcp::CallContext&) {
  if (!key_ || key_->empty()) {
    return Status(Code::kUnauthenticated,
                  "No Fini API key is configured. Provide one with FINI_API_KEY, --api-key-file FILE, "
                  "or `fini-mcp login` (create a key in the Fini dashboard under Deploy → API Keys).");
  }
  if (auto problem = config_problem(*key_)) {
    return Status(Code::kFailedPrecondition, "Configuration problem: " + *problem);
  }
  return *key_;
}

}  // namespace fini::credentials
