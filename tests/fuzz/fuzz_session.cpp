// Fuzzes the whole line-handling path: framing, JSON-RPC classification, lifecycle and
// dispatch. Invariant: whatever the input, every output line is one JSON-RPC message, and
// nothing crashes, leaks or trips a sanitizer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include <spdlog/spdlog.h>

#include "common/safe_json.hpp"
#include "mcp/session.hpp"

namespace {

class EchoTools : public fini::mcp::ToolProvider {
 public:
  std::vector<nlohmann::json> list_tools() const override {
    return {nlohmann::json{{"name", "echo"}, {"inputSchema", {{"type", "object"}}}}};
  }
  fini::Result<nlohmann::json> call_tool(const std::string& name, const nlohmann::json& args,
                                         fini::mcp::CallContext& ctx) override {
    if (name != "echo") return fini::Status(fini::Code::kNotFound, "Unknown tool: " + name);
    ctx.progress(1, 1, "x");
    return nlohmann::json{{"content", {{{"type", "text"}, {"text", args.dump()}}}}};
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = [] {  // logging to stderr would dominate the run time
    spdlog::set_level(spdlog::level::off);
    return true;
  }();
  (void)quiet;
  static const std::string kInit =
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{}}})"
      "\n";
  // Half the inputs start initialized so the post-initialize paths are reached too.
  std::string input = (size > 0 && (data[0] & 1)) ? kInit : std::string();
  input.append(reinterpret_cast<const char*>(data), size);
  std::istringstream in(input);
  std::ostringstream out;
  EchoTools tools;
  {
    fini::mcp::SessionOptions options;
    options.workers = 1;
    options.max_line_bytes = 2u * 1024u * 1024u;  // deep/huge inputs reach the parser
    fini::mcp::Dispatcher dispatcher(fini::mcp::DispatchOptions{"Fini", "", 1});
    dispatcher.set_tools(&tools);
    fini::mcp::Session session(options, dispatcher, in, out);
    session.run();
  }
  // Upstream bodies take the same depth-checked parse; whatever it accepts must survive the
  // recursive operations the tool path performs (copy, compare, dump).
  const auto parsed = fini::parse_json_safely(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed.error) {
    const nlohmann::json copy = parsed.value;
    if (copy != parsed.value) std::abort();
    (void)copy.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !(j.is_object() || j.is_array())) std::abort();
  }
  return 0;
}
