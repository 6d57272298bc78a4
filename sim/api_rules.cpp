// Rules (wire name hc-rules): list summaries, get, create, draft generation, partial update,
// duplicate, publish and refine. deleteRule is profile-only: see profile_only.cpp.
#include <algorithm>

#include "sim/api.hpp"
#include "sim/util.hpp"

namespace fini::sim {

namespace {

json summary(const json& rule) {
  json s = public_view(rule);
  s.erase("flowConfig");
  return s;
}

json full(const json& rule) {
  json r = public_view(rule);
  if (r.value("isDraft", false)) r["botIds"] = json::array();
  return r;
}

// Every botId must be an agent of this workspace.
bool bots_valid(const Workspace& ws, const std::vector<std::string>& bots) {
  return std::all_of(bots.begin(), bots.end(), [&](const std::string& b) { return ws.agents.count(b) > 0; });
}

// Flow nodes must have a string "type"; form nodes must name a formId (no widget forms exist here).
std::optional<std::string> check_flow(const json& node) {
  if (!node.is_object()) return "flowConfig nodes must be objects";
  if (!node.contains("type") || !node["type"].is_string()) return "flowConfig nodes need a string type";
  if (node["type"] == "form") return "flowConfig references a missing widget form";
  if (node["type"] == "action" && (!node.contains("action") || !node["action"].is_string())) {
    return "flowConfig action node without an action name";
  }
  if (node.contains("children")) {
    if (!node["children"].is_array()) return "flowConfig children must be an array";
    for (const auto& c : node["children"]) {
      if (auto e = check_flow(c)) return e;
    }
  }
  return std::nullopt;
}

Reply list_rules(Env& env, const Call& call) {
  const auto& req = *call.req;
  std::string type = query_value(req, "type").value_or("intent");
  if (type != "intent" && type != "business")
    return error(400, "type must be one of the following values: intent, business");
  bool draft = false;
  if (auto v = query_value(req, "isDraft")) {
    if (*v != "true" && *v != "false") return error(400, "isDraft must be a boolean value");
    draft = *v == "true";
  }
  auto source = query_value(req, "source");
  if (source && *source != "widget") return error(400, "source must be one of the following values: widget");
  Workspace& ws = workspace_of(env, call);
  std::vector<const json*> rows;
  for (const auto& [id, r] : ws.rules) {
    if (r.value("type", "intent") != type || r.value("isDraft", false) != draft) continue;
    if (source && r.value("source", json()) != *source) continue;
    rows.push_back(&r);
  }
  std::sort(rows.begin(), rows.end(),
            [](const json* a, const json* b) { return str_or(*a, "createdAt") > str_or(*b, "createdAt"); });
  json out = json::array();
  for (const json* r : rows) out.push_back(summary(*r));
  return ok(out);
}

Reply get_rule(Env& env, const Call& call) {
  Workspace& ws = workspace_of(env, call);
  auto it = ws.rules.find(call.params[0]);
  if (it == ws.rules.end()) return error(404, "Rule not found");
  return ok(full(it->second));
}

Reply create_rule(Env& env, const Call& call) {
  Fields f(call.body);
  std::string name = f.str("name", true, true);
  std::string description = f.str("description", true);
  json flow = f.object("flowConfig", false);
  auto bots = f.str_array("botIds", false);
  std::string type = f.opt_str("type").value_or("intent");
  if (!f.failed()) f.one_of("type", type, {"intent", "business"});
  auto source = f.opt_str("source");
  if (source && !f.failed()) f.one_of("source", *source, {"widget"});
  auto trigger = f.opt_str("triggerType");
  if (trigger && !f.failed()) f.one_of("triggerType", *trigger, {"on_escalation"});
  auto default_rule = f.opt_str("defaultRuleId");
  json schema = f.array("inputSchema", false);
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  if (!bots_valid(ws, bots)) return error(400, "botIds contains an invalid agent ID");
  if (!flow.empty()) {
    if (auto e = check_flow(flow)) return error(400, *e);
  }
  std::string id = random_uuid();
  std::string now = iso_from_ms(env.now_ms);
  json rule = {{"id", id},
               {"name", name},
               {"description", description},
               {"type", type},
               {"source", source ? json(*source) : json(nullptr)},
               {"triggerType", trigger ? json(*trigger) : json(nullptr)},
               {"isDraft", false},
               {"botIds", bots},
               {"flowConfig", flow.empty() ? json{{"type", "root"}, {"children", json::array()}} : flow},
               {"inputSchema", schema},
               {"defaultRuleId", default_rule ? json(*default_rule) : json(nullptr)},
               {"createdAt", now},
               {"updatedAt", now}};
  ws.rules[id] = rule;
  return ok(full(rule));
}

// Deterministic stand-in for the rule generator: a name and a one-message flow from the text.
json generated_rule(Env& env, const std::string& instructions) {
  std::string name = trim(instructions.substr(0, instructions.find_first_of(".\n")));
  if (name.size() > 60) name = trim(name.substr(0, 57)) + "...";
  std::string now = iso_from_ms(env.now_ms);
  return {
      {"id", random_uuid()},
      {"name", name.empty() ? std::string("Generated rule") : name},
      {"description", "Generated from instructions: " + instructions},
      {"type", "intent"},
      {"source", "widget"},
      {"triggerType", nullptr},
      {"isDraft", true},
      {"botIds", json::array()},
      {"flowConfig", {{"type", "root"}, {"children", json::array({{{"type", "message"}, {"text", instructions}}})}}},
      {"inputSchema", json::array()},
      {"defaultRuleId", nullptr},
      {"createdAt", now},
      {"updatedAt", now},
      {"_behaviorInstructions", instructions}};
}

Reply create_rule_draft(Env& env, const Call& call) {
  Fields f(call.body);
  std::string text = f.str("behaviorInstructions", true, true);
  if (f.failed()) return f.reply();
  json rule = generated_rule(env, text);
  workspace_of(env, call).rules[rule["id"].get<std::string>()] = rule;
  return ok(full(rule));
}

Reply update_rule(Env& env, const Call& call) {
  Fields f(call.body);
  auto name = f.opt_str("name");
  auto description = f.opt_str("description");
  json flow = f.object("flowConfig", false);
  bool has_bots = f.has("botIds");
  auto bots = f.str_array("botIds", false);
  bool has_schema = f.has("inputSchema");
  json schema = f.array("inputSchema", false);
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  auto it = ws.rules.find(call.params[0]);
  if (it == ws.rules.end()) return error(404, "Rule not found");
  if (!bots_valid(ws, bots)) return error(400, "botIds contains an invalid agent ID");
  if (!flow.empty()) {
    if (auto e = check_flow(flow)) return error(400, *e);
  }
  json& r = it->second;
  if (name) r["name"] = *name;
  if (description) r["description"] = *description;
  if (!flow.empty()) r["flowConfig"] = flow;
  if (has_bots) r["botIds"] = bots;
  if (has_schema) r["inputSchema"] = schema;
  r["updatedAt"] = iso_from_ms(env.now_ms);
  return ok(full(r));
}

Reply duplicate_rule(Env& env, const Call& call) {
  // The body is optional here; Fields keeps a pointer, so the fallback must outlive it.
  const json body = call.body.is_null() ? json::object() : call.body;
  Fields f(body);
  auto name = f.opt_str("name");
  auto description = f.opt_str("description");
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  auto it = ws.rules.find(call.params[0]);
  if (it == ws.rules.end()) return error(404, "Rule not found");
  if (it->second["defaultRuleId"].is_string()) return error(400, "Template-based rules cannot be duplicated");
  json copy = it->second;
  std::string id = random_uuid();
  std::string now = iso_from_ms(env.now_ms);
  copy["id"] = id;
  copy["name"] = name.value_or(str_or(it->second, "name") + " (copy)");
  if (description) copy["description"] = *description;
  // Documented: intent rules copy as drafts (unassigned), business rules as non-drafts.
  bool intent = copy.value("type", "intent") == "intent";
  copy["isDraft"] = intent;
  if (intent) copy["botIds"] = json::array();
  copy.erase("_behaviorInstructions");
  copy["createdAt"] = now;
  copy["updatedAt"] = now;
  ws.rules[id] = copy;
  return ok(public_view(copy));
}

Reply publish_rule_draft(Env& env, const Call& call) {
  Fields f(call.body);
  auto bots = f.str_array("botIds", true, true);
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  if (!bots_valid(ws, bots)) return error(400, "botIds contains an agent that is not in this workspace");
  auto it = ws.rules.find(call.params[0]);
  if (it == ws.rules.end() || !it->second.value("isDraft", false)) return error(404, "Draft rule not found");
  it->second["isDraft"] = false;
  it->second["botIds"] = bots;
  it->second["updatedAt"] = iso_from_ms(env.now_ms);
  return ok(full(it->second));
}

Reply refine_rule_draft(Env& env, const Call& call) {
  Fields f(call.body);
  std::string text = f.str("refinementInstructions", true, true);
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  auto it = ws.rules.find(call.params[0]);
  if (it == ws.rules.end() || !it->second.value("isDraft", false)) return error(404, "Draft rule not found");
  if (!it->second.contains("_behaviorInstructions")) {
    return error(400, "The draft's original instructions are no longer available; create a new draft instead");
  }
  std::string original = it->second["_behaviorInstructions"].get<std::string>();
  json& r = it->second;
  r["description"] = "Generated from instructions: " + original + " Refined: " + text;
  r["flowConfig"]["children"].push_back({{"type", "message"}, {"text", text}});
  r["_behaviorInstructions"] = original + "\n" + text;
  r["updatedAt"] = iso_from_ms(env.now_ms);
  return ok(full(r));
}

}  // namespace

void register_rule_handlers(HandlerMap& m) {
  m["listRules"] = list_rules;
  m["getRule"] = get_rule;
  m["createRule"] = create_rule;
  m["createRuleDraft"] = create_rule_draft;
  m["updateRule"] = update_rule;
  m["duplicateRule"] = duplicate_rule;
  m["publishRuleDraft"] = publish_rule_draft;
  m["refineRuleDraft"] = refine_rule_draft;
}

}  // namespace fini::sim
