#include "tools/fini_tools.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "rest/redact.hpp"
#include "tools/confirmation.hpp"
#include "tools/error_texts.hpp"
#include "tools/request_mapper.hpp"
#include "tools/result_shaper.hpp"

namespace fini::tools {

using nlohmann::json;

namespace {

std::string invalid_arguments_text(const std::string& name, const std::vector<std::string>& problems,
                                   const std::vector<schema::Coercion>& coerced) {
  std::string text = "Invalid arguments for " + name + ":";
  for (const auto& p : problems) text += "\n- " + p;
  for (const auto& c : coerced) text += "\n(note: " + (c.pointer.empty() ? "" : c.pointer + ": ") + c.message + ")";
  return text + "\nFix these and call again (the input schema lists every field).";
}

}  // namespace

nlohmann::json tool_definition(const Manifest& m) {
  json def{{"name", m.name}, {"title", m.title}, {"description", m.description}, {"inputSchema", m.input_schema}};
  if (!m.output_schema.is_null()) def["outputSchema"] = m.output_schema;
  def["annotations"] = m.annotations;
  return def;
}

Result<std::vector<Manifest>> select_tools(std::vector<Manifest> all, const SurfaceOptions& options) {
  std::set<std::string> known_toolsets, known_tools;
  for (const auto& m : all) {
    known_toolsets.insert(m.toolset);
    known_tools.insert(m.name);
  }
  auto check = [](const std::set<std::string>& wanted, const std::set<std::string>& known, const char* what) -> Status {
    for (const auto& w : wanted) {
      if (!known.count(w)) {
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        return invalid_argument(std::string("unknown ") + what + " '" + w + "' (known: " + list + ")");
      }
    }
    return {};
  };
  if (auto s = check(options.toolsets, known_toolsets, "toolset"); !s.ok()) return s;
  if (auto s = check(options.tools, known_tools, "tool"); !s.ok()) return s;
  if (auto s = check(options.exclude, known_tools, "tool"); !s.ok()) return s;
  std::vector<Manifest> out;
  for (auto& m : all) {
    if (!options.toolsets.empty() && !options.toolsets.count(m.toolset)) continue;
    if (!options.tools.empty() && !options.tools.count(m.name)) continue;
    if (options.exclude.count(m.name)) continue;
    if (options.read_only && !m.read_only()) continue;
    out.push_back(std::move(m));
  }
  return out;
}

FiniToolProvider::FiniToolProvider(std::vector<Manifest> manifests, SurfaceOptions options, rest::HttpClient& http,
                                   credentials::Credentials& credentials, std::string base_url)
    : manifests_(std::move(manifests)),
      options_(std::move(options)),
      http_(http),
      credentials_(credentials),
      base_url_(std::move(base_url)) {
  for (std::size_t i = 0; i < manifests_.size(); ++i) {
    by_name_[manifests_[i].name] = i;
    definitions_.push_back(tool_definition(manifests_[i]));
  }
}

bool FiniToolProvider::write_tools_visible() const {
  if (options_.show_all) return true;
  // Unknown scopes: show everything; a key known to lack write hides write tools. (Read tools
  // stay: a key that cannot read is rare, and hiding everything would leave nothing to explain.)
  auto scopes = credentials_.scopes();
  return !scopes || scopes->count("write") > 0;
}

std::vector<json> FiniToolProvider::list_tools() const {
  // The surface depends on one fact (may write tools be shown?), read once per listing.
  const bool with_write = write_tools_visible();
  std::vector<json> out;
  for (std::size_t i = 0; i < manifests_.size(); ++i) {
    if (!with_write && manifests_[i].scope == "write") continue;
    out.push_back(definitions_[i]);
  }
  std::lock_guard lock(surface_mutex_);
  listed_with_write_ = with_write;
  return out;
}

void FiniToolProvider::check_surface_change() {
  const bool with_write = write_tools_visible();
  bool changed = false;
  {
    std::lock_guard lock(surface_mutex_);
    // Only a surface the client has seen can change; before the first listing there is none.
    changed = listed_with_write_.has_value() && *listed_with_write_ != with_write;
    if (changed) listed_with_write_ = with_write;
  }
  if (changed && list_changed_) list_changed_();
}

Result<json> FiniToolProvider::call_tool(const std::string& name, const json& arguments, mcp::CallContext& ctx) {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return Status(Code::kNotFound, "Unknown tool: " + name);
  const Manifest& m = manifests_[it->second];

  // Unambiguous coercions first ("a,b" for a list, "100" for an integer); what is validated is
  // what gets mapped and sent, and the notes tell the model what was read.
  std::vector<schema::Coercion> coerced;
  const json args = m.validator->coerce(arguments, coerced);
  std::vector<std::string> problems;
  for (const auto& e : m.validator->validate(args)) problems.push_back(schema::describe(e));
  if (problems.empty()) problems = epoch_ms_errors(m, args);
  if (!problems.empty()) return tool_error(invalid_arguments_text(name, problems, coerced));
  auto request = map_request(m, args);
  if (!request.ok()) return tool_error("Invalid arguments for " + name + ": " + request.status().message());

  if (auto refused = confirm_before_harm(m, args, ctx, confirm_); refused) return *refused;

  auto key = credentials_.key(ctx);
  // Getting a key may have taught us its scopes (a key pasted just now, a first probe).
  check_surface_change();
  if (!key.ok()) return tool_error(key.status().message());
  if (ctx.cancelled()) return tool_error("Cancelled before the request was sent.");
  request->bearer_token = *key;

  // Progress only while Fini is slow to answer (see ProgressTicker): "still waiting, N s".
  const std::string what = m.request.method + " " + m.request.path;
  const auto tick_id = ticker_.arm([&ctx, what](int n) {
    ctx.progress(n, std::nullopt, "waiting for Fini (" + what + ")");
  });
  const auto started = std::chrono::steady_clock::now();
  auto response = http_.send(*request);
  ticker_.disarm(tick_id);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  if (response.ok()) {
    spdlog::info("{}: {} {} → {} in {} ms", name, m.request.method, m.request.path, response->status, ms);
  } else {
    spdlog::warn("{}: {} {} failed after {} ms: {}", name, m.request.method, m.request.path, ms,
                 rest::redact(response.status().message(), *key));
  }

  json result;
  if (!response.ok()) {
    result = shape_transport_error(m, response.status(), base_url_);
  } else {
    credentials_.observe(*key, response->status, m.scope);
    result = shape_response(m, *response);
    if (response->status == 401) {
      // Where the key comes from decides what to do next; the generic advice would not apply.
      if (const std::string note = credentials_.rejection_note(); !note.empty()) {
        result = tool_error(key_rejected_text(m, *response, note));
      }
    }
    if (response->status == 401 || response->status == 403) check_surface_change();
  }
  // Belt and braces: no text we return may carry the key, whatever upstream echoed.
  if (result.contains("content")) {
    for (auto& block : result["content"]) {
      if (block.contains("text") && block["text"].is_string()) {
        block["text"] = rest::redact(block["text"].get<std::string>(), *key);
      }
    }
  }
  return result;
}

Result<json> FiniToolProvider::call_structured(const std::string& name, const json& arguments, mcp::CallContext& ctx) {
  auto result = call_tool(name, arguments, ctx);
  if (!result.ok()) return result.status();
  if (result->value("isError", false)) {
    std::string text;
    for (const auto& block : (*result)["content"]) {
      if (block.contains("text") && block["text"].is_string()) text += block["text"].get<std::string>();
    }
    return Status(Code::kFailedPrecondition, text);
  }
  if (!result->contains("structuredContent")) return Status(Code::kFailedPrecondition, name + " returned no JSON");
  return std::move((*result)["structuredContent"]);
}

}  // namespace fini::tools
