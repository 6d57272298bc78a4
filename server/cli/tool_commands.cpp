#include "cli/tool_commands.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "cli/cli_context.hpp"
#include "cli/network_hints.hpp"
#include "cli/terminal_question.hpp"
#include "cli/tool_catalog.hpp"
#include "common/signals.hpp"

namespace fini::cli {

using nlohmann::json;

void CliContext::progress(double progress, std::optional<double>, const std::string& message) {
  if (on_progress_) on_progress_(progress, message);
}

void CliContext::log(mcp::LogLevel level, const std::string& logger, const mcp::Json& data) {
  const std::string text = data.is_string() ? data.get<std::string>() : data.dump();
  if (level >= mcp::LogLevel::kWarning)
    spdlog::warn("{}: {}", logger, text);
  else
    spdlog::info("{}: {}", logger, text);
}

Result<mcp::Json> CliContext::request(const std::string& method, const mcp::Json& params, std::chrono::milliseconds) {
  if (method != "elicitation/create" || !client_.elicitation_form || params.value("mode", "") != "form") {
    return unavailable("no MCP client on the command line to answer " + method);
  }
  auto yes = ask_yes_no(params.value("message", ""), token_);
  if (yes.ok()) return mcp::Json{{"action", "accept"}, {"content", {{"confirm", *yes}}}};
  if (yes.status().code() == Code::kCancelled) return mcp::Json{{"action", "cancel"}};
  return yes.status();
}

std::unique_ptr<ServerCore> build_keyed_core(const ServeOptions& options, const char* command, int* exit_code) {
  auto core = build_server_core(options);
  if (!core.ok()) {
    std::cerr << "fini-mcp " << command << ": " << core.status().message() << "\n";
    *exit_code = exit_code_for(core.status());
    return nullptr;
  }
  // `serve` would open the one-time key page and ask through the client; a shell has neither.
  if ((*core)->credentials->source().empty()) {
    std::cerr << "fini-mcp " << command << ": no Fini API key: set FINI_API_KEY, pass --api-key-file FILE "
              << "(mode 0600), or store one with `fini-mcp login`\n";
    *exit_code = 2;
    return nullptr;
  }
  return std::move(*core);
}

Result<json> parse_arg_pairs(const std::vector<std::string>& pairs) {
  json args = json::object();
  for (const auto& pair : pairs) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) return invalid_argument("--arg wants name=value, got '" + pair + "'");
    const std::string name = pair.substr(0, eq);
    const std::string text = pair.substr(eq + 1);
    if (args.contains(name)) return invalid_argument("--arg " + name + " given twice");
    json value = json::parse(text, nullptr, false);
    args[name] = value.is_discarded() ? json(text) : std::move(value);
  }
  return args;
}

namespace {

std::string result_text(const json& result) {
  std::string text;
  for (const auto& block : result.value("content", json::array())) {
    if (block.is_object() && block.contains("text") && block["text"].is_string()) {
      text += (text.empty() ? "" : "\n") + block["text"].get<std::string>();
    }
  }
  return text;
}

}  // namespace

int run_call_command(const ServeOptions& serve, const CallCommandOptions& options) {
  // Termination signals are awaited by the SignalWatcher; block them before any thread starts.
  sigset_t signals = block_termination_signals();
  auto arguments = parse_arg_pairs(options.args);
  if (!arguments.ok()) {
    std::cerr << "fini-mcp call: " << arguments.status().message() << "\n";
    return 2;
  }
  int exit_code = 0;
  auto core = build_keyed_core(serve, "call", &exit_code);
  if (!core) return exit_code;
  std::vector<std::string> names;
  for (const auto& d : core->tools->list_tools()) names.push_back(d.value("name", ""));
  if (std::find(names.begin(), names.end(), options.tool) == names.end()) {
    std::cerr << "fini-mcp call: Unknown tool: " << options.tool << did_you_mean(options.tool, names)
              << "; `fini-mcp tools` lists them\n";
    return 2;
  }
  CliContext ctx;
  ctx.ask_on_terminal();
  SignalWatcher watcher(signals, [&ctx](int count, int) {
    if (count > 1) std::_Exit(130);  // a second signal: the user does not want to wait
    ctx.cancel("interrupted");
  });
  auto result = core->tools->call_tool(options.tool, *arguments, ctx);
  if (!result.ok()) {
    std::cerr << "fini-mcp call: " << result.status().message() << "\n";
    return exit_code_for(result.status()) == 2 || result.status().code() == Code::kNotFound ? 2 : 1;
  }
  if (result->value("isError", false)) {
    const std::string text = result_text(*result);
    std::cerr << text << network_hint(text) << "\n";
    return 1;
  }
  if (auto structured = result->find("structuredContent"); structured != result->end()) {
    std::cout << structured->dump(2) << std::endl;
  } else {
    std::cout << result_text(*result) << std::endl;
  }
  return ctx.cancelled() ? 130 : 0;
}

}  // namespace fini::cli
