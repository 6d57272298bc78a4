#include "tools/confirmation.hpp"

#include <chrono>
#include <regex>

#include "tools/result_shaper.hpp"

namespace fini::tools {

using nlohmann::json;

namespace {

// Long enough for a person to read the question; a call waiting longer is abandoned unsent.
constexpr std::chrono::minutes kAnswerTimeout{10};
constexpr std::size_t kMaxListedItems = 10;

std::string value_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (!v.is_array()) return v.dump();
  std::string out;
  for (std::size_t i = 0; i < v.size() && i < kMaxListedItems; ++i) out += (i ? ", " : "") + value_text(v[i]);
  if (v.size() > kMaxListedItems) out += " and " + std::to_string(v.size() - kMaxListedItems) + " more";
  return out;
}

json yes_no_schema() {
  return json{{"type", "object"},
              {"properties", {{"confirm", {{"type", "boolean"}, {"title", "Go ahead?"}, {"default", false}}}}},
              {"required", json::array({"confirm"})}};
}

json not_sent(const std::string& why, const std::string& question) {
  return tool_error("Not done: " + why + " (\"" + question + "\"). Nothing was sent to Fini.");
}

}  // namespace

std::string confirmation_question(const Manifest& m, const json& arguments) {
  static const std::regex placeholder("\\{(count:)?([A-Za-z0-9_]+)\\}");
  std::string out;
  auto last = m.confirm.cbegin();
  for (auto it = std::sregex_iterator(m.confirm.begin(), m.confirm.end(), placeholder); it != std::sregex_iterator();
       ++it) {
    const auto& match = *it;
    out.append(last, match[0].first);
    const auto arg = arguments.find(match[2].str());
    if (arg == arguments.end()) {
      out += "(none)";
    } else if (match[1].matched) {
      out += std::to_string(arg->is_array() ? arg->size() : 1);
    } else {
      out += value_text(*arg);
    }
    last = match[0].second;
  }
  out.append(last, m.confirm.cend());
  return out;
}

std::optional<json> confirm_before_harm(const Manifest& m, const json& arguments, mcp::CallContext& ctx, bool enabled,
                                        LegacyConfirm legacy) {
  if (!enabled || !m.destructive() || m.confirm.empty()) return std::nullopt;
  const std::string question = confirmation_question(m, arguments);
  if (!ctx.client().elicitation_form) {
    if (!ctx.client().stateless || legacy == LegacyConfirm::kHost) return std::nullopt;
    return tool_error(
        "Not done: " + m.name + " needs the user's confirmation (\"" + question +
        "\"), and this client cannot be asked: it speaks MCP 2025-11-25 (or older) over stateless HTTP, and "
        "this server runs with --legacy-confirm refuse. Nothing was sent to Fini. To confirm, "
        "use a client that speaks MCP 2026-07-28 (it is asked the question), or fini-mcp over stdio.");
  }
  const json params{{"mode", "form"}, {"message", question}, {"requestedSchema", yes_no_schema()}};
  auto reply =
      ctx.request("elicitation/create", params, std::chrono::duration_cast<std::chrono::milliseconds>(kAnswerTimeout));
  if (!reply.ok()) return not_sent("the confirmation question got no answer: " + reply.status().message(), question);
  const std::string action = reply->value("action", "");
  if (action == "accept") {
    const auto content = reply->find("content");
    if (content != reply->end() && content->is_object() && content->value("confirm", false)) return std::nullopt;
    return not_sent("the user answered no", question);
  }
  if (action == "decline") return not_sent("the user declined", question);
  return not_sent("the user cancelled the question", question);
}

}  // namespace fini::tools
