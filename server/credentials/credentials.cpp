#include "credentials/credentials.hpp"

namespace fini::credentials {

std::optional<std::string> config_problem(const std::string& value) {
  if (value.find("${") != std::string::npos) {
    return "the API key setting still holds an unexpanded placeholder (like ${user_config.api_key}); "
           "enter the key in the extension or plugin settings, or set FINI_API_KEY";
  }
  if (value.rfind("__encrypted__", 0) == 0) {
    return "the API key setting holds an encrypted value the client did not decrypt; "
           "re-enter the key in the extension settings, or set FINI_API_KEY";
  }
  return std::nullopt;
}

Result<std::string> StaticCredentials::key(mcp::CallContext&) {
  if (!key_ || key_->empty()) {
    return Status(Code::kUnauthenticated,
                  "No Fini API key is configured. Provide one with FINI_API_KEY, --api-key-file FILE, "
                  "or `fini-mcp login` (create a key in the Fini dashboard under Deploy → API Keys).");
  }
  if (auto problem = config_problem(*key_)) return Status(Code::kUnauthenticated, "Configuration problem: " + *problem);
  return *key_;
}

}  // namespace fini::credentials
