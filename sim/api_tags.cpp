// Tag groups and tags. Fini-managed default groups (companyId null) are visible to every workspace
// and read-only. Several routes answer unknown ids with 500 or 200-null, as the reference documents.
// deleteTagGroup and deleteTag are profile-only: see profile_only.cpp.
#include <algorithm>
#include <functional>

#include "sim/api.hpp"
#include "sim/util.hpp"

namespace fini::sim {

namespace {

bool newest_first(const json* a, const json* b) {
  auto ca = str_or(*a, "createdAt");
  auto cb = str_or(*b, "createdAt");
  return ca != cb ? ca > cb : str_or(*a, "id") > str_or(*b, "id");
}

json sorted_tags(const Workspace& ws, const std::function<bool(const json&)>& keep) {
  std::vector<const json*> rows;
  for (const auto& [id, t] : ws.tags) {
    if (keep(t)) rows.push_back(&t);
  }
  std::sort(rows.begin(), rows.end(), newest_first);
  json out = json::array();
  for (const json* t : rows) out.push_back(public_view(*t));
  return out;
}

Reply list_tag_groups(Env& env, const Call& call) {
  Workspace& ws = workspace_of(env, call);
  std::vector<const json*> rows;
  for (const auto& [id, g] : ws.tag_groups) rows.push_back(&g);
  std::sort(rows.begin(), rows.end(), newest_first);
  json out = json::array();
  for (const json* g : rows) out.push_back(public_view(*g));
  return ok(out);
}

Reply create_tag_group(Env& env, const Call& call) {
  Fields f(call.body);
  std::string title = f.str("title", true, true);
  std::string description = f.opt_str("description").value_or("");
  std::string prompt = f.opt_str("prompt").value_or("");
  bool multiselect = f.boolean("multiselect", false, false);
  bool output = f.boolean("isOutputTagGroup", false, false);
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  std::string id = random_uuid();
  std::string now = iso_from_ms(env.now_ms);
  json g = {{"id", id},
            {"createdAt", now},
            {"companyId", ws.company_id},
            {"title", title},
            {"description", description},
            {"prompt", prompt},
            {"multiselect", multiselect},
            {"updatedAt", now},
            {"mandatory", false},
            {"isOutputTagGroup", output}};
  ws.tag_groups[id] = g;
  return ok(g);
}

Reply get_tag_group(Env& env, const Call& call) {
  Workspace& ws = workspace_of(env, call);
  auto it = ws.tag_groups.find(call.params[0]);
  if (it == ws.tag_groups.end()) return error(500, "Internal Server Error");
  return ok(public_view(it->second));
}

Reply update_tag_group(Env& env, const Call& call) {
  Fields f(call.body);
  auto title = f.opt_str("title");
  auto description = f.opt_str("description");
  auto prompt = f.opt_str("prompt");
  auto multiselect = f.opt_bool("multiselect");
  auto output = f.opt_bool("isOutputTagGroup");
  if (f.failed()) return f.reply();
  if (title && trim(*title).empty()) return error(400, "title should not be empty");
  Workspace& ws = workspace_of(env, call);
  auto it = ws.tag_groups.find(call.params[0]);
  // Documented: unknown and Fini-managed (read-only) groups both fail with 500.
  if (it == ws.tag_groups.end() || it->second.value("_managed", false)) return error(500, "Internal Server Error");
  json& g = it->second;
  if (title) g["title"] = *title;
  if (description) g["description"] = *description;
  if (prompt) g["prompt"] = *prompt;
  if (multiselect) g["multiselect"] = *multiselect;
  if (output) g["isOutputTagGroup"] = *output;
  g["updatedAt"] = iso_from_ms(env.now_ms);
  return ok(public_view(g));
}

Reply list_tags_in_group(Env& env, const Call& call) {
  Workspace& ws = workspace_of(env, call);
  const std::string& gid = call.params[0];
  if (!ws.tag_groups.count(gid)) return error(500, "Internal Server Error");
  return ok(sorted_tags(ws, [&](const json& t) { return str_or(t, "tagGroupId") == gid; }));
}

Reply create_tag(Env& env, const Call& call) {
  Fields f(call.body);
  std::string name = f.str("tagName", true, true);
  std::string description = f.opt_str("tagDescription").value_or("");
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  auto g = ws.tag_groups.find(call.params[0]);
  if (g == ws.tag_groups.end() || g->second.value("_managed", false)) return error(500, "Internal Server Error");
  std::string id = random_uuid();
  json t = {{"id", id},
            {"createdAt", iso_from_ms(env.now_ms)},
            {"tagGroupId", g->first},
            {"tagName", name},
            {"tagDescription", description}};
  ws.tags[id] = t;
  return ok(t);
}

Reply update_tag(Env& env, const Call& call) {
  Fields f(call.body);
  auto name = f.opt_str("tagName");
  auto description = f.opt_str("tagDescription");
  if (f.failed()) return f.reply();
  if (name && trim(*name).empty()) return error(400, "tagName should not be empty");
  Workspace& ws = workspace_of(env, call);
  // Here {id} is the TAG id (documented quirk of the route).
  auto it = ws.tags.find(call.params[0]);
  if (it == ws.tags.end()) return error(500, "Internal Server Error");
  auto g = ws.tag_groups.find(str_or(it->second, "tagGroupId"));
  if (g != ws.tag_groups.end() && g->second.value("_managed", false)) return error(500, "Internal Server Error");
  if (name) it->second["tagName"] = *name;
  if (description) it->second["tagDescription"] = *description;
  return ok(public_view(it->second));
}

Reply get_tag(Env& env, const Call& call) {
  Workspace& ws = workspace_of(env, call);
  auto it = ws.tags.find(call.params[0]);
  // Documented quirk: unknown ids answer 200 with null.
  if (it == ws.tags.end()) return ok(nullptr);
  return ok(public_view(it->second));
}

Reply list_tags_across_groups(Env& env, const Call& call) {
  auto ids = query_values(*call.req, "tagGroupIds");
  if (ids.empty()) return error(400, "tagGroupIds is required (repeat the parameter once per group)");
  for (const auto& id : ids) {
    if (id.find(',') != std::string::npos) {
      return error(
          400, "tagGroupIds must be sent as repeated parameters (?tagGroupIds=a&tagGroupIds=b); CSV is not accepted");
    }
  }
  Workspace& ws = workspace_of(env, call);
  return ok(sorted_tags(
      ws, [&](const json& t) { return std::find(ids.begin(), ids.end(), str_or(t, "tagGroupId")) != ids.end(); }));
}

}  // namespace

void register_tag_handlers(HandlerMap& m) {
  m["listTagGroups"] = list_tag_groups;
  m["createTagGroup"] = create_tag_group;
  m["getTagGroup"] = get_tag_group;
  m["updateTagGroup"] = update_tag_group;
  m["listTagsInGroup"] = list_tags_in_group;
  m["createTag"] = create_tag;
  m["updateTag"] = update_tag;
  m["getTag"] = get_tag;
  m["listTagsAcrossGroups"] = list_tags_across_groups;
}

}  // namespace fini::sim
