// Agents (wire name bots) and their prompts. Prompt routes answer 406 "Invalid agent" for an
// agent of another workspace (documented), 404 for an agent that exists nowhere.
#include <algorithm>

#include "sim/api.hpp"
#include "sim/util.hpp"

namespace fini::sim {

namespace {

const char* const kSections[] = {"hcPlanningPrompt", "hcGuidelinePrompt", "hcChannelPrompt"};

Reply list_agents(Env& env, const Call& call) {
  Workspace& ws = workspace_of(env, call);
  std::vector<const json*> rows;
  for (const auto& [id, a] : ws.agents) rows.push_back(&a);
  std::sort(rows.begin(), rows.end(),
            [](const json* a, const json* b) { return str_or(*a, "createdAt") > str_or(*b, "createdAt"); });
  json out = json::array();
  for (const json* a : rows) out.push_back(public_view(*a));
  return ok(out);
}

// nullopt when the agent belongs to this workspace; otherwise the error reply.
std::optional<Reply> check_agent(Env& env, const Call& call) {
  const std::string& id = call.params[0];
  if (workspace_of(env, call).agents.count(id)) return std::nullopt;
  if (owner_elsewhere(env.state, call.workspace, &Workspace::agents, id)) return error(406, "Invalid agent");
  return error(404, "Agent not found");
}

// Merged view: each section gains defaultPrompt (the template's content for the same key) and
// custom (whether it differs from the template).
json merged(const Workspace& ws, const json& version, const std::string& bot_id) {
  json out = public_view(version);
  out["botId"] = bot_id;
  for (const char* s : kSections) {
    json sections = version.value(s, json::array());
    json tmpl = ws.prompt_template.value(s, json::array());
    for (auto& sec : sections) {
      if (!sec.is_object()) continue;
      json def = nullptr;
      for (const auto& t : tmpl) {
        if (t.is_object() && str_or(t, "key") == str_or(sec, "key") && t.contains("content")) def = t["content"];
      }
      sec["defaultPrompt"] = def;
      sec["custom"] = def.is_null() || !sec.contains("content") || sec["content"] != def;
    }
    out[s] = sections;
  }
  return out;
}

Reply get_prompts(Env& env, const Call& call) {
  if (auto bad = check_agent(env, call)) return *bad;
  Workspace& ws = workspace_of(env, call);
  const std::string& bot = call.params[0];
  auto it = ws.prompt_versions.find(bot);
  if (it == ws.prompt_versions.end() || it->second.empty()) {
    // No saved version: the template, with the requested botId.
    json t = ws.prompt_template;
    t["id"] = nullptr;
    t["createdAt"] = nullptr;
    return ok(merged(ws, t, bot));
  }
  return ok(merged(ws, it->second.back(), bot));
}

Reply get_prompt_history(Env& env, const Call& call) {
  if (auto bad = check_agent(env, call)) return *bad;
  Workspace& ws = workspace_of(env, call);
  const std::string& bot = call.params[0];
  json out = json::array();
  auto it = ws.prompt_versions.find(bot);
  if (it != ws.prompt_versions.end()) {
    for (auto v = it->second.rbegin(); v != it->second.rend(); ++v) out.push_back(merged(ws, *v, bot));
  }
  return ok(out);
}

Reply update_prompts(Env& env, const Call& call) {
  Fields f(call.body);
  json sections[3];
  for (int i = 0; i < 3; ++i) sections[i] = f.array(kSections[i], true);
  for (int i = 0; i < 3 && !f.failed(); ++i) {
    for (const auto& s : sections[i]) {
      if (!s.is_object()) f.fail(std::string("each value in ") + kSections[i] + " must be an object");
    }
  }
  if (f.failed()) return f.reply();
  if (auto bad = check_agent(env, call)) return *bad;
  Workspace& ws = workspace_of(env, call);
  json v = {{"id", random_uuid()}, {"botId", call.params[0]}, {"createdAt", iso_from_ms(env.now_ms)}};
  for (int i = 0; i < 3; ++i) v[kSections[i]] = sections[i];
  ws.prompt_versions[call.params[0]].push_back(v);
  return ok(v);
}

}  // namespace

void register_agent_handlers(HandlerMap& m) {
  m["listAgents"] = list_agents;
  m["getPrompts"] = get_prompts;
  m["getPromptHistory"] = get_prompt_history;
  m["updatePrompts"] = update_prompts;
}

}  // namespace fini::sim
