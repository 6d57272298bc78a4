#pragma once
// The texts that tell a person how to give this server a Fini API key, shared by the prompt
// (when asking fails) and the session's other errors, so every message names the same ways in.
// Pure functions: thread-safe, never throw.

#include <string>

namespace fini::credentials {

// "fini-mcp login" for the default profile, "fini-mcp login --profile NAME" otherwise.
std::string login_command(const std::string& profile);

// "Ways to provide the Fini API key …": the one-time link `url` (when not empty), the login
// command, and FINI_API_KEY, numbered.
std::string key_how_to(const std::string& profile, const std::string& url);

}  // namespace fini::credentials
