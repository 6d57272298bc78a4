#pragma once
// The Fini tools: every manifest becomes an MCP tool served by one generic handler that
// validates arguments, asks Credentials for the key, maps the call to HTTP, sends it through
// the shared HttpClient and shapes the answer. The manifest set is immutable after
// construction, so calls need no lock. Thread-safe; never throws on the call path.

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "credentials/credentials.hpp"
#include "mcp/providers.hpp"
#include "rest/http_client.hpp"
#include "rest/retry.hpp"
#include "tools/confirmation.hpp"
#include "tools/manifest.hpp"
#include "tools/output_check.hpp"
#include "tools/progress_ticker.hpp"

namespace fini::tools {

struct SurfaceOptions {
  std::set<std::string> toolsets;  // empty: all
  std::set<std::string> tools;     // empty: all
  std::set<std::string> exclude;
  bool read_only = false;  // --read-only: hide and refuse write tools
  bool show_all = false;   // --show-all-tools: ignore learned scopes
};

struct CallOptions {
  // Total deadline of one call to Fini: connect, send, the whole response and any retries
  // (a manifest's request.timeoutMs overrides it for that tool).
  std::chrono::milliseconds call_timeout{120000};
  std::size_t result_budget = 48u * 1024u;  // bytes of JSON per result (see result_budget.hpp)
  // The drift guard (output_check.hpp). Off only to measure what it costs (fini-bench).
  bool check_output = true;
};

// Manifests selected by the surface options (independent of key scopes). Unknown names in
// toolsets/tools are reported as kInvalidArgument so typos do not silently empty the surface.
Result<std::vector<Manifest>> select_tools(std::vector<Manifest> all, const SurfaceOptions& options);

// The published MCP tool definition of a manifest.
nlohmann::json tool_definition(const Manifest& manifest);

class FiniToolProvider final : public mcp::ToolProvider {
 public:
  FiniToolProvider(std::vector<Manifest> manifests, SurfaceOptions options, rest::HttpClient& http,
                   credentials::Credentials& credentials, std::string base_url, CallOptions call = {});

  std::vector<nlohmann::json> list_tools() const override;
  // Per-caller surface (HTTP: what this request's key was shown to be allowed); remembers nothing
  // for list_changed, which only a stateful (stdio) client can receive.
  std::vector<nlohmann::json> list_tools_for(const mcp::CallContext& ctx) const override;
  Result<nlohmann::json> call_tool(const std::string& name, const nlohmann::json& arguments,
                                   mcp::CallContext& ctx) override;

  // The whole call path (validate, key, send with deadline/retries/cancellation) without any
  // result budget: the parsed structuredContent of a success, or a Status whose message is the
  // tool-error text the model would have seen. For callers that page through data themselves
  // (export); never returns more than the upstream body cap.
  Result<nlohmann::json> call_structured(const std::string& name, const nlohmann::json& arguments,
                                         mcp::CallContext& ctx);

  // Called (from a worker thread) when the visible tool set changes, e.g. after learning that
  // the key is read-only; wire it to Session::notify_tools_changed.
  void on_list_changed(std::function<void()> callback) { list_changed_ = std::move(callback); }

  // Ask before destructive calls (when the client supports form elicitation); off: --no-confirm.
  void require_confirmation(bool on) { confirm_ = on; }
  // Destructive calls from clients that cannot be asked (legacy era over HTTP): --legacy-confirm.
  void legacy_confirm(LegacyConfirm mode) { legacy_confirm_ = mode; }

 private:
  struct Outcome {
    nlohmann::json result;     // a CallToolResult, untrimmed
    std::string key;           // the key used (for redaction), empty if none
    nlohmann::json arguments;  // as validated (after coercions)
    std::string notes{};       // what the coercions read, shown with a sent call's result
  };
  Outcome run(const Manifest& m, const nlohmann::json& arguments, mcp::CallContext& ctx);
  rest::RetryOutcome send(const Manifest& m, rest::HttpRequest request, mcp::CallContext& ctx);
  nlohmann::json shape(const Manifest& m, rest::RetryOutcome& sent, const std::string& key);
  nlohmann::json settle(const Manifest& m, const nlohmann::json& args, rest::RetryOutcome& sent, const std::string& key,
                        mcp::CallContext& ctx);
  nlohmann::json fit(const Manifest& m, const nlohmann::json& arguments, nlohmann::json result) const;
  std::string verify_each(const Manifest& m, const nlohmann::json& args, const std::string& key, mcp::CallContext& ctx);
  bool write_tools_visible() const;
  std::vector<nlohmann::json> surface(bool with_write) const;
  void check_surface_change();

  std::vector<Manifest> manifests_;
  std::map<std::string, std::size_t> by_name_;
  std::vector<nlohmann::json> definitions_;
  std::vector<std::optional<OutputCheck>> output_checks_;  // by manifest index; none: no outputSchema
  SurfaceOptions options_;
  rest::HttpClient& http_;
  credentials::Credentials& credentials_;
  std::string base_url_;
  CallOptions call_;
  std::function<void()> list_changed_;
  bool confirm_ = true;
  LegacyConfirm legacy_confirm_ = LegacyConfirm::kHost;
  ProgressTicker ticker_{std::chrono::milliseconds(300), std::chrono::milliseconds(1000)};
  mutable std::mutex surface_mutex_;
  mutable std::optional<bool> listed_with_write_;
};

}  // namespace fini::tools
