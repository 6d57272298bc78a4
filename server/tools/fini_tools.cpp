#include "tools/fini_tools.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "common/redact.hpp"
#include "common/safe_json.hpp"
#include "tools/confirmation.hpp"
#include "tools/context_key_asker.hpp"
#include "tools/epoch_dates.hpp"
#include "tools/error_texts.hpp"
#include "tools/id_check.hpp"
#include "tools/request_mapper.hpp"
#include "tools/result_budget.hpp"
#include "tools/result_shaper.hpp"

namespace fini::tools {

using nlohmann::json;

namespace {

// A problem about this instance pointer is already listed ("/since: ...").
bool reported(const std::vector<std::string>& problems, const std::string& pointer) {
  return std::any_of(problems.begin(), problems.end(),
                     [&](const std::string& p) { return !pointer.empty() && p.rfind(pointer + ": ", 0) == 0; });
}

// What the coercions read, one line each, as the invalid-arguments text shows them.
std::string coercion_notes(const std::vector<schema::Coercion>& coerced) {
  std::string text;
  for (const auto& c : coerced) {
    text += (text.empty() ? "" : "\n") + std::string("(note: ") + (c.pointer.empty() ? "" : c.pointer + ": ") +
            c.message + ")";
  }
  return text;
}

std::string invalid_arguments_text(const std::string& name, const std::vector<std::string>& problems,
                                   const std::vector<schema::Coercion>& coerced) {
  std::string text = "Invalid arguments for " + name + ":";
  for (const auto& p : problems) text += "\n- " + p;
  if (!coerced.empty()) text += "\n" + coercion_notes(coerced);
  return text + "\nFix these and call again (the input schema lists every field).";
}

std::optional<OutputCheck> compile_output_check(const Manifest& m) {
  if (m.output_schema.is_null()) return std::nullopt;
  if (m.output_validator) return OutputCheck::over(*m.output_validator);  // linted: compiled on first use
  auto check = OutputCheck::compile(m.output_schema);
  if (check.ok()) return std::move(*check);
  // The linter refuses such a manifest; a hand-loaded one is served unchecked rather than not at all.
  spdlog::error("{}: outputSchema does not compile, results are not checked: {}", m.name, check.status().message());
  return std::nullopt;
}

}  // namespace

nlohmann::json tool_definition(const Manifest& m) {
  json def{{"name", m.name}, {"title", m.title}, {"description", m.description}, {"inputSchema", m.input_schema}};
  if (!m.output_schema.is_null()) def["outputSchema"] = m.output_schema;
  def["annotations"] = m.annotations;
  // openWorldHint: true is MCP's default: leaving it out says the same in 21 fewer bytes per tool
  // of the tools/list budget. Manifests still state it (the linter wants every hint decided).
  if (def["annotations"].value("openWorldHint", false)) def["annotations"].erase("openWorldHint");
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
                                   credentials::Credentials& credentials, std::string base_url, CallOptions call)
    : manifests_(std::move(manifests)),
      options_(std::move(options)),
      http_(http),
      credentials_(credentials),
      base_url_(std::move(base_url)),
      call_(call) {
  for (std::size_t i = 0; i < manifests_.size(); ++i) {
    by_name_[manifests_[i].name] = i;
    definitions_.push_back(tool_definition(manifests_[i]));
    output_checks_.push_back(compile_output_check(manifests_[i]));
  }
}

bool FiniToolProvider::write_tools_visible() const {
  if (options_.show_all) return true;
  // Unknown: show everything; only a key Fini refused a write for hides write tools. (Read tools
  // stay: a key that cannot read is rare, and hiding everything would leave nothing to explain.)
  return credentials_.may("write") != false;
}

std::vector<json> FiniToolProvider::surface(bool with_write) const {
  std::vector<json> out;
  for (std::size_t i = 0; i < manifests_.size(); ++i) {
    if (!with_write && manifests_[i].scope == "write") continue;
    out.push_back(definitions_[i]);
  }
  return out;
}

std::vector<json> FiniToolProvider::list_tools() const {
  // The surface depends on one fact (may write tools be shown?), read once per listing.
  const bool with_write = write_tools_visible();
  auto out = surface(with_write);
  std::lock_guard lock(surface_mutex_);
  listed_with_write_ = with_write;
  return out;
}

std::vector<json> FiniToolProvider::list_tools_for(const mcp::CallContext& ctx) const {
  if (!ctx.call_key()) return list_tools();
  return surface(options_.show_all || credentials_.may_for(ctx.call_key(), "write") != false);
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

namespace {

// Fini's 403 for a missing scope names it; a 403 for another workspace's ids does not.
bool scope_denied(const rest::HttpResponse& response) {
  if (response.status != 403) return false;
  const auto body = parse_json_safely(response.body);
  const std::string message = body.value.is_object() ? body.value.value("message", "") : response.body.substr(0, 300);
  return message.find("scope") != std::string::npos;
}

// A failed non-atomic bulk call may still have changed some items, unless Fini refused it before
// doing anything (bad arguments, key, scope, rate limit).
bool may_have_partly_applied(const rest::RetryOutcome& sent) {
  if (!sent.response.ok()) {
    const Code code = sent.response.status().code();
    return code == Code::kUnavailable || code == Code::kDeadlineExceeded;
  }
  const int status = sent.response->status;
  return status >= 300 && status != 400 && status != 401 && status != 403 && status != 429;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out.empty() ? "none" : out;
}

std::optional<std::vector<std::string>> take_fields(json& arguments) {
  auto it = arguments.find(kFieldsArgument);
  if (it == arguments.end()) return std::nullopt;
  std::vector<std::string> fields = it->get<std::vector<std::string>>();
  arguments.erase(it);
  return fields;
}

}  // namespace

Result<json> FiniToolProvider::call_tool(const std::string& name, const json& arguments, mcp::CallContext& ctx) {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return Status(Code::kNotFound, "Unknown tool: " + name);
  const Manifest& m = manifests_[it->second];
  Outcome outcome = run(m, arguments, ctx);
  // Belt and braces: nothing we return may carry the key, whatever upstream echoed.
  redact_json(outcome.result, outcome.key);
  json result = fit(m, outcome.arguments, std::move(outcome.result));
  const auto& check = output_checks_[it->second];
  if (check && call_.check_output) result = guard_output(m.name, *check, std::move(result));
  if (!outcome.notes.empty()) result["content"].push_back(json{{"type", "text"}, {"text", outcome.notes}});
  return result;
}

FiniToolProvider::Outcome FiniToolProvider::run(const Manifest& m, const json& arguments, mcp::CallContext& ctx) {
  // Unambiguous coercions first ("a,b" for a list, "100" for an integer); what is validated is
  // what gets mapped and sent, and the notes tell the model what was read.
  // Then ISO 8601 dates in epoch-ms arguments; an unreadable one is reported once.
  std::vector<schema::Coercion> coerced;
  std::vector<std::string> problems;
  json args = m.validator->coerce(arguments, coerced);
  read_iso_dates(epoch_ms_arguments(m), args, coerced, problems);
  for (const auto& e : m.validator->validate(args)) {
    if (!reported(problems, e.pointer)) problems.push_back(schema::describe(e));
  }
  if (problems.empty()) problems = epoch_ms_errors(m, args);
  if (!problems.empty()) return {tool_error(invalid_arguments_text(m.name, problems, coerced)), "", args};
  json wire_arguments = args;
  if (!m.request.project.empty()) take_fields(wire_arguments);
  auto request = map_request(m, wire_arguments);
  if (!request.ok())
    return {tool_error("Invalid arguments for " + m.name + ": " + request.status().message()), "", args};

  if (auto refused = confirm_before_harm(m, args, ctx, confirm_, legacy_confirm_); refused) return {*refused, "", args};

  ContextKeyAsker asker(ctx);
  auto key = credentials_.key(asker);
  if (!key.ok()) return {tool_error(key.status().message()), "", args};
  if (ctx.cancelled()) return {tool_error("Cancelled before the request was sent."), *key, args};
  request->bearer_token = *key;
  auto sent = send(m, std::move(*request), ctx);
  Outcome out{settle(m, args, sent, *key, ctx), *key, args};
  out.notes = coercion_notes(coerced);
  return out;
}

// The result of a sent call, after what the answer alone cannot tell has been checked.
json FiniToolProvider::settle(const Manifest& m, const json& args, rest::RetryOutcome& sent, const std::string& key,
                              mcp::CallContext& ctx) {
  json result = shape(m, sent, key);
  if (sent.response.ok() && sent.response->status == 500 && unknown_id_text(m, *sent.response)) {
    // Fini's answer for an unknown id here, or a transient error: one read of the id tells.
    if (auto check = check_id(m, args, manifests_, http_, key, ctx)) {
      if (auto checked = id_check_result(m, args, *check)) result = std::move(*checked);
    }
  }
  if (!m.read_only() && sent.earlier_may_have_applied && result.value("isError", false)) {
    auto& first = result["content"][0]["text"];
    if (first.is_string())
      first = earlier_attempt_text(m, *sent.earlier_may_have_applied) + "\n" + first.get<std::string>();
  }
  if (m.request.verify_each && may_have_partly_applied(sent)) {
    if (std::string outcomes = verify_each(m, args, key, ctx); !outcomes.empty()) {
      result["content"].push_back(json{{"type", "text"}, {"text", outcomes}});
    }
  }
  return result;
}

rest::RetryOutcome FiniToolProvider::send(const Manifest& m, rest::HttpRequest request, mcp::CallContext& ctx) {
  const auto timeout = m.request.timeout_ms ? std::chrono::milliseconds(*m.request.timeout_ms) : call_.call_timeout;
  request.deadline = std::chrono::steady_clock::now() + timeout;
  request.cancel = &ctx.cancel_token();
  rest::RetryPolicy policy = rest::default_policy(m.request.method);
  policy.idempotent = policy.idempotent || m.repeatable();
  policy.retry_500 = !(m.request.unknown_id && m.request.unknown_id->answers == "500");

  // Progress only while Fini is slow (heartbeats) or while waiting to retry; one counter keeps
  // the values monotonic across both.
  const std::string what = m.request.method + " " + m.request.path;
  std::mutex progress_mutex;
  int progress = 0;
  auto report = [&](const std::string& message) {
    std::lock_guard lock(progress_mutex);
    ctx.progress(++progress, std::nullopt, message);
  };
  auto heartbeat = ticker_.arm([&report, what](int) { report("waiting for Fini (" + what + ")"); });
  const auto started = std::chrono::steady_clock::now();
  auto sent = rest::send_with_retry(http_, request, policy, [&](const rest::RetryWait& wait) {
    report("Fini answered " + wait.reason + "; retrying in " + std::to_string(wait.delay.count()) + " ms (attempt " +
           std::to_string(wait.attempt + 1) + " of " + std::to_string(policy.max_attempts) + ")");
  });
  heartbeat.reset();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  ctx.upstream_answered(sent.response.ok() ? sent.response->status : 0);
  if (sent.response.ok()) {
    spdlog::info("{}: {} → {} in {} ms ({} attempt(s))", m.name, what, sent.response->status, ms, sent.attempts);
  } else {
    spdlog::warn("{}: {} failed after {} ms ({} attempt(s)): {}", m.name, what, ms, sent.attempts,
                 redact(sent.response.status().message(), request.bearer_token));
  }
  return sent;
}

json FiniToolProvider::shape(const Manifest& m, rest::RetryOutcome& sent, const std::string& key) {
  if (!sent.response.ok()) return shape_transport_error(m, sent.response.status(), base_url_);
  rest::HttpResponse& response = *sent.response;
  credentials_.observe(key, response.status, m.scope, scope_denied(response));
  // No text block yet: fit() adds it from the final structuredContent, serialised once.
  json result = shape_response(m, response, /*with_text=*/false);
  if (response.status == 401) {
    // Where the key comes from decides what to do next; the generic advice would not apply.
    if (const std::string note = credentials_.rejection_note(); !note.empty()) {
      result = tool_error(key_rejected_text(m, response, note));
    }
  }
  // A 2xx, 401 or 403 may have taught us the key's scopes.
  check_surface_change();
  return result;
}

// Per-id outcomes of a non-atomic bulk call, learned with one read per id (never a write).
std::string FiniToolProvider::verify_each(const Manifest& m, const json& args, const std::string& key,
                                          mcp::CallContext& ctx) {
  const VerifyEachSpec& v = *m.request.verify_each;
  auto reader_it = by_name_.find(v.tool);
  if (reader_it == by_name_.end() || !args.contains(v.arg)) return {};
  const Manifest& reader = manifests_[reader_it->second];
  const bool null_means_gone = reader.request.unknown_id && reader.request.unknown_id->answers == "null";
  const bool error_means_gone = reader.request.unknown_id && reader.request.unknown_id->answers == "500";
  rest::RetryPolicy policy = rest::default_policy(reader.request.method);
  policy.retry_500 = !error_means_gone;
  std::vector<std::string> gone, present, unchecked;
  for (const auto& id : args[v.arg]) {
    const std::string text = id.is_string() ? id.get<std::string>() : id.dump();
    auto request = map_request(reader, json{{v.as, id}});
    if (!request.ok() || ctx.cancelled()) {
      unchecked.push_back(text);
      continue;
    }
    request->bearer_token = key;
    request->deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    request->cancel = &ctx.cancel_token();
    const auto out = rest::send_with_retry(http_, *request, policy).response;
    const int status = out.ok() ? out->status : 0;
    const bool empty = out.ok() && (out->body.empty() || out->body == "null");
    if (status == 404 || (status == 500 && error_means_gone) || (status / 100 == 2 && empty && null_means_gone)) {
      gone.push_back(text);
    } else if (status / 100 == 2) {
      present.push_back(text);
    } else {
      unchecked.push_back(text);
    }
  }
  return "This call is not atomic, so fini-mcp checked each id afterwards with " + v.tool +
         ": gone (deleted, or never existed): " + joined(gone) + "; still present: " + joined(present) +
         "; could not be checked: " + joined(unchecked) + ".";
}

json FiniToolProvider::fit(const Manifest& m, const json& arguments, json result) const {
  auto structured = result.find("structuredContent");
  if (structured == result.end()) return result;
  std::vector<std::string> notes;
  if (!m.request.project.empty() && arguments.contains(kFieldsArgument)) {
    json args = arguments;
    if (auto fields = take_fields(args)) {
      if (auto note = project_fields(*structured, m.request.project, *fields)) notes.push_back(*note);
    }
  }
  const auto props = m.input_schema.find("properties");
  auto takes = [&](const char* name) { return props != m.input_schema.end() && props->contains(name); };
  BudgetHints hints{takes("limit"), !m.request.project.empty(), takes("cursor")};
  FittedText fitted = fit_and_serialize(*structured, call_.result_budget, hints);
  if (!fitted.budget.fits) return tool_error(*fitted.budget.note);
  if (fitted.budget.note && !fitted.budget.note->empty()) notes.push_back(*fitted.budget.note);
  // The text block is the same JSON as structuredContent (clients that read only text see it all).
  result["content"] = json::array({json{{"type", "text"}, {"text", std::move(fitted.text)}}});
  for (const auto& note : notes) result["content"].push_back(json{{"type", "text"}, {"text", note}});
  return result;
}

Result<json> FiniToolProvider::call_structured(const std::string& name, const json& arguments, mcp::CallContext& ctx) {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return Status(Code::kNotFound, "Unknown tool: " + name);
  Outcome outcome = run(manifests_[it->second], arguments, ctx);
  redact_json(outcome.result, outcome.key);
  json& result = outcome.result;
  if (result.value("isError", false)) {
    std::string text;
    for (const auto& block : result["content"]) {
      if (block.contains("text") && block["text"].is_string()) text += block["text"].get<std::string>();
    }
    return Status(Code::kFailedPrecondition, text);
  }
  if (!result.contains("structuredContent")) return Status(Code::kFailedPrecondition, name + " returned no JSON");
  return std::move(result["structuredContent"]);
}

}  // namespace fini::tools
