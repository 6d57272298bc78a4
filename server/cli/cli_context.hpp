#pragma once
// What `fini-mcp call` and `fini-mcp export` share: the per-call context a tool runs with when
// there is no MCP client (nobody to ask; cancellation from signals), and the ServerCore built
// exactly as `serve` builds it, plus the check that a key was found (a shell has no key page).

#include <functional>
#include <memory>
#include <string>

#include "cli/server_core.hpp"
#include "common/cancel.hpp"
#include "mcp/providers.hpp"

namespace fini::cli {

class CliContext final : public mcp::CallContext {
 public:
  using OnProgress = std::function<void(double progress, const std::string& message)>;
  explicit CliContext(OnProgress on_progress = {}) : on_progress_(std::move(on_progress)) {}
  // `call`: destructive tools ask their confirmation question on the terminal (and refuse,
  // naming --yes, when there is none) instead of going ahead unasked.
  void ask_on_terminal() { client_.elicitation_form = true; }

  void cancel(std::string reason) { token_.cancel(std::move(reason)); }
  const CancelToken& cancel_token() const override { return token_; }
  void progress(double progress, std::optional<double> total, const std::string& message) override;
  void log(mcp::LogLevel level, const std::string& logger, const mcp::Json& data) override;
  const mcp::ClientInfo& client() const override { return client_; }
  // No client: the key page is unavailable; the confirmation question (ask_on_terminal) is
  // asked on the terminal.
  Result<mcp::Json> request(const std::string& method, const mcp::Json& params,
                            std::chrono::milliseconds timeout) override;
  void notify(const std::string&, const mcp::Json&) override {}

 private:
  CancelToken token_;
  mcp::ClientInfo client_{false, false, "fini-mcp command line", ""};
  OnProgress on_progress_;
};

// build_server_core, then: no key from --api-key-file, FINI_API_KEY, --sandbox or the stored
// profile is a usage error (exit 2) naming the three ways to give one. Errors are printed to
// stderr; null means "exit with *exit_code".
std::unique_ptr<ServerCore> build_keyed_core(const ServeOptions& options, const char* command, int* exit_code);

}  // namespace fini::cli
