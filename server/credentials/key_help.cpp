#include "credentials/key_help.hpp"

#include "credentials/store.hpp"

namespace fini::credentials {

std::string login_command(const std::string& profile) {
  return profile == kDefaultProfile ? "fini-mcp login" : "fini-mcp login --profile " + profile;
}

std::string key_how_to(const std::string& profile, const std::string& url) {
  std::string text = "Ways to provide the Fini API key (create one in the Fini dashboard under Deploy → API Keys):";
  if (!url.empty()) {
    text += "\n1. Open " + url +
            " in a browser on this computer and paste the key there (the link is single-use "
            "and expires; call a tool again for a new one).";
  }
  text += std::string("\n") + (url.empty() ? "1" : "2") + ". Run `" + login_command(profile) + "` in a terminal.";
  text += std::string("\n") + (url.empty() ? "2" : "3") +
          ". Set FINI_API_KEY in this MCP server's environment (Claude Desktop: the extension's settings), then "
          "restart it.";
  return text;
}

}  // namespace fini::credentials
