#include "credentials/key_format.hpp"

#include <cctype>

namespace fini::credentials {

Status check_key_format(std::string_view key) {
  if (key.empty()) return invalid_argument("no key was given");
  if (!key.starts_with("fini_")) {
    return invalid_argument(
        "that is not a Fini API key: Fini keys start with \"fini_\" "
        "(copy it from the Fini dashboard, Deploy → API Keys)");
  }
  for (char c : key) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) == 0 && c != '_' && c != '-') {
      return invalid_argument(
          "that is not a Fini API key: it contains characters other than letters, digits, "
          "'_' and '-' (check that it was copied completely and without extra text)");
    }
  }
  if (key.size() < kMinKeyLength) {
    return invalid_argument("that is not a Fini API key: it is too short (" + std::to_string(key.size()) +
                            " characters; was it copied completely?)");
  }
  if (key.size() > kMaxKeyLength) {
    return invalid_argument("that is not a Fini API key: it is too long (" + std::to_string(key.size()) +
                            " characters)");
  }
  return {};
}

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

}  // namespace fini::credentials
