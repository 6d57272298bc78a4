#pragma once
// What a person at a shell needs to find a tool: `fini-mcp tools` (names and titles grouped by
// toolset, or --json), `fini-mcp call TOOL --help` (the tool's arguments from its input schema),
// and "did you mean …" for a mistyped name.

#include <string>
#include <vector>

#include "cli/serve.hpp"

namespace fini::cli {

struct ToolsCommandOptions {
  bool json = false;
};

int run_tools_command(const ServeOptions& serve, const ToolsCommandOptions& options);
int run_tool_help(const ServeOptions& serve, const std::string& tool);

// " (did you mean a or b?)" for the known names closest to `name` (edit distance, or containing
// it); empty when none is close.
std::string did_you_mean(const std::string& name, const std::vector<std::string>& known);

}  // namespace fini::cli
