// Conversations (wire name hc-interactions): list with the inverted cursor paging, get, delete,
// bulk delete (non-atomic, then 406) and generate-answer.
#include <algorithm>
#include <set>

#include "sim/answer.hpp"
#include "sim/api.hpp"
#include "sim/util.hpp"

namespace fini::sim {

namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

std::optional<int64_t> parse_int(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;  // stays inside int64 without overflow
  size_t i = (s[0] == '-') ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  for (size_t k = i; k < s.size(); ++k) {
    if (s[k] < '0' || s[k] > '9') return std::nullopt;
  }
  return std::stoll(s);
}

// source/channel accept CSV or repeated params.
std::set<std::string> csv_or_repeated(const httplib::Request& req, const std::string& name) {
  std::set<std::string> out;
  for (const auto& v : query_values(req, name)) {
    for (auto& part : split(v, ',')) {
      std::string t = trim(part);
      if (!t.empty()) out.insert(t);
    }
  }
  return out;
}

struct ConvKey {
  int64_t last_ms;
  std::string id;
};
// Newest first; id breaks ties so the order is total and stable.
bool newer(const ConvKey& a, const ConvKey& b) { return a.last_ms != b.last_ms ? a.last_ms > b.last_ms : a.id > b.id; }

Reply list_conversations(Env& env, const Call& call) {
  const auto& req = *call.req;
  Workspace& ws = workspace_of(env, call);
  std::optional<int64_t> since, until;
  for (const char* name : {"since", "until"}) {
    if (auto v = query_value(req, name)) {
      auto n = parse_int(*v);
      if (!n) return error(400, std::string(name) + " must be an integer (Unix epoch milliseconds)");
      (std::string(name) == "since" ? since : until) = *n;
    }
  }
  int64_t limit = 50;
  if (auto v = query_value(req, "limit")) {
    auto n = parse_int(*v);
    if (!n) return error(400, "limit must be an integer");
    if (*n < 1 || *n > 100) return error(400, "limit must be between 1 and 100");
    limit = *n;
  }
  std::string direction = query_value(req, "direction").value_or("next");
  if (direction != "next" && direction != "previous") {
    return error(400, "direction must be one of the following values: next, previous");
  }
  auto agent = query_value(req, "agentId");
  if (agent && !is_uuid(*agent)) return error(400, "agentId must be a UUID");
  auto cursor = query_value(req, "cursor");
  if (cursor && !is_uuid(*cursor)) return error(400, "cursor must be a UUID");

  int64_t until_ms = until.value_or(env.now_ms);
  int64_t since_ms = since.value_or(until_ms - 7 * kDayMs);
  if (since_ms >= until_ms) return error(400, "since must be less than until");
  if (until_ms - since_ms > 90 * kDayMs) return error(400, "time window must not exceed 90 days (since/until)");

  std::optional<ConvKey> cursor_key;
  if (cursor) {
    auto it = ws.conversations.find(*cursor);
    if (it == ws.conversations.end()) return error(400, "cursor does not match a conversation");
    cursor_key = ConvKey{it->second.value("_lastMs", int64_t{0}), it->first};
  }
  auto sources = csv_or_repeated(req, "source");
  auto channels = csv_or_repeated(req, "channel");

  std::vector<std::pair<ConvKey, const json*>> rows;
  for (const auto& [id, c] : ws.conversations) {
    int64_t last = c.value("_lastMs", int64_t{0});
    if (last < since_ms || last > until_ms) continue;
    if (agent && !env.ignore_agent_filter && str_or(c, "_botId") != *agent) continue;
    if (!sources.empty() && !sources.count(str_or(c, "source"))) continue;
    if (!channels.empty() && !channels.count(str_or(c, "channel"))) continue;
    rows.push_back({ConvKey{last, id}, &c});
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return newer(a.first, b.first); });

  // [begin, end) of the page within rows.
  size_t begin = 0;
  size_t end = 0;
  auto lim = static_cast<size_t>(limit);
  if (!cursor_key || direction == "next") {
    if (cursor_key) {
      begin = static_cast<size_t>(
          std::partition_point(rows.begin(), rows.end(), [&](const auto& r) { return !newer(*cursor_key, r.first); }) -
          rows.begin());
    }
    end = std::min(rows.size(), begin + lim);
  } else {
    end = static_cast<size_t>(
        std::partition_point(rows.begin(), rows.end(), [&](const auto& r) { return newer(r.first, *cursor_key); }) -
        rows.begin());
    begin = end > lim ? end - lim : 0;
  }
  json items = json::array();
  for (size_t i = begin; i < end; ++i) items.push_back(public_view(*rows[i].second));
  bool older_left = end < rows.size();
  bool newer_left = begin > 0;
  bool empty = begin == end;
  json out = {{"interactions", items},
              {"hasMore", direction == "previous" && cursor_key ? newer_left : older_left},
              {"nextCursor", !empty && older_left ? json(rows[end - 1].first.id) : json(nullptr)},
              {"prevCursor", !empty && newer_left ? json(rows[begin].first.id) : json(nullptr)}};
  return ok(std::move(out));
}

Reply get_conversation(Env& env, const Call& call) {
  Workspace& ws = workspace_of(env, call);
  auto it = ws.conversations.find(call.params[0]);
  // Documented controller quirk: unknown, deleted and other-workspace ids all surface as 500.
  if (it == ws.conversations.end()) return error(500, "Internal Server Error");
  return ok(public_view(it->second));
}

Reply delete_conversation(Env& env, const Call& call) {
  // Documented quirk: always success, whether or not the id matched anything in this workspace.
  workspace_of(env, call).conversations.erase(call.params[0]);
  return ok({{"success", true}});
}

Reply bulk_delete_conversations(Env& env, const Call& call) {
  Fields f(call.body);
  auto ids = f.str_array("ids", true, true);
  if (f.failed()) return f.reply();
  if (ids.size() > 50) return error(400, "ids must contain no more than 50 elements");
  std::set<std::string> seen;
  for (const auto& id : ids) {
    if (!is_uuid(id)) return error(400, "each value in ids must be a UUID");
    if (!seen.insert(id).second) return error(400, "ids must not contain duplicate values");
  }
  Workspace& ws = workspace_of(env, call);
  // Documented: not atomic. Matching conversations go first, then inaccessible ids give 406.
  size_t missing = 0;
  for (const auto& id : ids) {
    if (ws.conversations.erase(id) == 0) ++missing;
  }
  if (missing > 0) {
    return error(406, std::to_string(missing) + " of the requested interactions are not accessible to this API key");
  }
  return ok({{"success", true}});
}

json new_event(int64_t at, const std::string& role, const std::string& message, json used) {
  return event_record(random_uuid(), at, role, message, std::move(used));
}

void merge_refs(json& into, const json& refs) {
  for (const auto& r : refs) {
    bool present =
        std::any_of(into.begin(), into.end(), [&](const json& x) { return str_or(x, "id") == str_or(r, "id"); });
    if (!present) into.push_back(r);
  }
}

Reply generate_answer(Env& env, const Call& call) {
  Fields f(call.body);
  std::string content = f.str("content", true, true);
  std::string role = f.opt_str("role").value_or("user");
  if (!f.failed()) f.one_of("role", role, {"user", "agent", "finibot", "otherbot"});
  auto interaction_id = f.opt_str("interactionId");
  auto bot_id = f.opt_str("botId");
  json metadata = f.object("metadata", false);
  if (f.failed()) return f.reply();
  if (!interaction_id && !bot_id) return error(400, "interactionId or botId is required");

  Workspace& ws = workspace_of(env, call);
  json* conv = nullptr;
  if (interaction_id) {
    auto it = ws.conversations.find(*interaction_id);
    // The real controller fails while loading the conversation: 500, not 404.
    if (it == ws.conversations.end()) return error(500, "Internal Server Error");
    conv = &it->second;
  } else {
    if (!ws.agents.count(*bot_id)) return error(500, "Internal Server Error");
    std::string id = random_uuid();
    std::string channel = metadata.contains("channel") && metadata["channel"].is_string()
                              ? metadata["channel"].get<std::string>()
                              : std::string("chat");
    json c = {{"id", id},
              {"createdAt", env.now_ms},
              {"source", "api"},
              {"channel", channel},
              {"status", "Open"},
              {"externalId", nullptr},
              {"url", "https://app.usefini.com/dashboard/inbox/" + id},
              {"subjectPreview", content.substr(0, 80)},
              {"hasFeedback", false},
              {"resolved", nullptr},
              {"userAttributes", json::object()},
              {"usedArticles", json::array()},
              {"usedSubfolders", json::array()},
              {"events", json::array()},
              {"_botId", *bot_id},
              {"_lastMs", env.now_ms}};
    conv = &(ws.conversations[id] = std::move(c));
  }
  if (metadata.contains("user_attributes") && metadata["user_attributes"].is_object()) {
    for (auto it = metadata["user_attributes"].begin(); it != metadata["user_attributes"].end(); ++it) {
      (*conv)["userAttributes"][it.key()] = it.value();
    }
  }
  json created = json::array();
  created.push_back(new_event(env.now_ms, role, content, json::array()));
  if (role == "user") {
    Answer ans = compose_answer(ws, content, env.now_ms);
    // Same instant as the user turn: a frozen or pinned clock must never put events in the future.
    created.push_back(new_event(env.now_ms, "finibot", ans.text, ans.used_articles));
    merge_refs((*conv)["usedArticles"], ans.used_articles);
    merge_refs((*conv)["usedSubfolders"], ans.used_subfolders);
    (*conv)["status"] = ans.escalated ? "Escalated to Human Agent" : "Resolved by AI";
  }
  for (const auto& e : created) (*conv)["events"].push_back(e);
  (*conv)["_lastMs"] = created.back()["createdAt"];
  return ok(std::move(created));
}

}  // namespace

void register_conversation_handlers(HandlerMap& m) {
  m["listConversations"] = list_conversations;
  m["getConversation"] = get_conversation;
  m["deleteConversation"] = delete_conversation;
  m["bulkDeleteConversations"] = bulk_delete_conversations;
  m["generateAnswer"] = generate_answer;
}

}  // namespace fini::sim
