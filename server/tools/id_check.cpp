#include "tools/id_check.hpp"

#include <chrono>

#include "rest/retry.hpp"
#include "tools/error_texts.hpp"
#include "tools/request_mapper.hpp"
#include "tools/result_shaper.hpp"

namespace fini::tools {

using nlohmann::json;

namespace {

constexpr std::chrono::seconds kReadTimeout{10};

const ParamSpec* only_path_param(const Manifest& m) {
  const ParamSpec* found = nullptr;
  for (const auto& p : m.params) {
    if (p.location != ParamLocation::kPath) continue;
    if (found != nullptr) return nullptr;
    found = &p;
  }
  return found;
}

bool reads_one(const Manifest& r, const std::string& what) {
  return r.read_only() && r.request.method == "GET" && r.request.unknown_id && r.request.unknown_id->what == what &&
         only_path_param(r) != nullptr;
}

std::string id_text(const json& id) { return id.is_string() ? id.get<std::string>() : id.dump(); }

// What a 500 means for the change a write asked for.
std::string after_500_note(const Manifest& m) {
  if (m.read_only()) return {};
  if (rest::default_policy(m.request.method).idempotent || m.repeatable()) return " Repeating it is safe.";
  return " It may have been applied anyway: check with " + m.request.unknown_id->list_with + " before repeating it.";
}

}  // namespace

const Manifest* id_reader(const Manifest& m, const std::vector<Manifest>& all) {
  if (!m.request.unknown_id || only_path_param(m) == nullptr) return nullptr;
  const std::string& what = m.request.unknown_id->what;
  if (reads_one(m, what)) return &m;
  const Manifest* best = nullptr;  // the shortest path: the item itself, not a sub-collection
  for (const auto& r : all) {
    if (reads_one(r, what) && (best == nullptr || r.request.path.size() < best->request.path.size())) best = &r;
  }
  return best;
}

std::optional<IdCheck> check_id(const Manifest& m, const json& arguments, const std::vector<Manifest>& all,
                                rest::HttpClient& http, const std::string& key, mcp::CallContext& ctx) {
  const Manifest* reader = id_reader(m, all);
  if (reader == nullptr) return std::nullopt;
  IdCheck check{IdState::kUnchecked, reader, std::nullopt};
  const auto id = arguments.find(only_path_param(m)->name);
  if (id == arguments.end() || ctx.cancelled()) return check;
  auto request = map_request(*reader, json{{only_path_param(*reader)->name, *id}});
  if (!request.ok()) return check;
  request->bearer_token = key;
  request->deadline = std::chrono::steady_clock::now() + kReadTimeout;
  request->cancel = &ctx.cancel_token();
  rest::RetryPolicy policy = rest::default_policy("GET");
  policy.retry_500 = reader->request.unknown_id->answers != "500";
  auto out = rest::send_with_retry(http, *request, policy).response;
  if (!out.ok()) return check;
  check.read = *out;
  if (out->status == 404 || unknown_id_text(*reader, *out)) {
    check.state = IdState::kUnknown;
  } else if (out->status >= 200 && out->status < 300) {
    check.state = IdState::kExists;
  }
  return check;
}

std::optional<json> id_check_result(const Manifest& m, const json& arguments, const IdCheck& check) {
  if (check.state == IdState::kUnknown) return std::nullopt;
  // The tool is its own reader and the read succeeded: that is the answer.
  if (check.state == IdState::kExists && check.reader == &m) return shape_response(m, *check.read);
  const UnknownIdSpec& u = *m.request.unknown_id;
  const std::string route = m.request.method + " " + m.request.path;
  const std::string id = id_text(arguments.value(only_path_param(m)->name, json()));
  const std::string write_note = after_500_note(m);
  if (check.state == IdState::kExists) {
    return tool_error("Fini API error 500 (" + route + ") for " + u.what + " " + id + ", which exists (" +
                      check.reader->name +
                      " found it), so the 500 is not about an unknown id: either a transient "
                      "server error (retryable) or a change Fini refuses for this item (see this tool's description)." +
                      write_note);
  }
  const std::string how = check.read ? "HTTP " + std::to_string(check.read->status) : std::string("no answer");
  return tool_error("Fini API error 500 (" + route + "). Fini answers 500 for an unknown " + u.what +
                    " too, and checking " + id + " with " + check.reader->name + " did not settle which (" + how +
                    "). Retry; if it persists, list them with " + u.list_with + " and check the id." + write_note);
}

}  // namespace fini::tools
