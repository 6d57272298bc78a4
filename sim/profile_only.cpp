// The six "profile-only" routes: the stored reference has no docs page for them (only the route,
// method and scope), so every behaviour below is a sandbox CHOICE. They live together here so the
// choices are easy to find, review and change. Each choice is also listed in sim/README.md.
#include <algorithm>

#include "sim/api.hpp"
#include "sim/util.hpp"

namespace fini::sim {

namespace {

// GET /v2/hc-articles/public  (listArticles)
// Choice: ?type=live|draft filters (hub-confirmed values); omitted returns both; any other value
// is 400. No paging (none documented). Order: updatedAt desc, then id. Published drafts
// (isDraftPublished=true) are no longer pending review and are left out of type=draft.
Reply list_articles(Env& env, const Call& call) {
  auto type = query_value(*call.req, "type");
  if (type && *type != "live" && *type != "draft")
    return error(400, "type must be one of the following values: live, draft");
  Workspace& ws = workspace_of(env, call);
  std::vector<const json*> rows;
  for (const auto& [id, a] : ws.articles) {
    if (!article_visible(a, env.now_ms)) continue;
    bool draft = a.value("isDraft", false);
    if (type && *type == "live" && draft) continue;
    if (type && *type == "draft" && (!draft || a.value("isDraftPublished", false))) continue;
    rows.push_back(&a);
  }
  std::sort(rows.begin(), rows.end(), [](const json* a, const json* b) {
    auto ua = str_or(*a, "updatedAt");
    auto ub = str_or(*b, "updatedAt");
    return ua != ub ? ua > ub : str_or(*a, "id") > str_or(*b, "id");
  });
  json out = json::array();
  for (const json* a : rows) out.push_back(public_view(*a));
  return ok(out);
}

// DELETE /v2/hc-articles/{id}/public  (deleteArticle)
// Choice: 404 "Article not found" for ids outside the workspace (like updateArticle); 200 with the
// deleted Article. Deleting a live article also deletes its unpublished forked drafts, and
// sources linked to it keep their record with linkedKnowledgeId cleared.
Reply delete_article(Env& env, const Call& call) {
  Workspace& ws = workspace_of(env, call);
  auto it = ws.articles.find(call.params[0]);
  if (it == ws.articles.end() || !article_visible(it->second, env.now_ms)) return error(404, "Article not found");
  json deleted = public_view(it->second);
  std::string id = it->first;
  ws.articles.erase(it);
  for (auto a = ws.articles.begin(); a != ws.articles.end();) {
    if (a->second["originalArticleId"] == id && !a->second.value("isDraftPublished", false)) {
      a = ws.articles.erase(a);
    } else {
      ++a;
    }
  }
  for (auto& [did, d] : ws.documents) {
    if (d["linkedKnowledgeId"] == id) d["linkedKnowledgeId"] = nullptr;
  }
  return ok(deleted);
}

// PUT /v2/hc-articles/{id}/move/public  (moveArticle)
// Choice: body {parentFolderId} (the field moveKnowledgeFolder uses); missing/non-string → 400;
// article or destination folder outside the workspace → 404; 200 with the moved Article.
Reply move_article(Env& env, const Call& call) {
  Fields f(call.body);
  std::string dest = f.str("parentFolderId", true, true);
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  auto it = ws.articles.find(call.params[0]);
  if (it == ws.articles.end() || !article_visible(it->second, env.now_ms)) return error(404, "Article not found");
  if (!ws.folders.count(dest)) return error(404, "Destination folder not found");
  it->second["parentFolderId"] = dest;
  it->second["updatedAt"] = iso_from_ms(env.now_ms);
  ws.snapshot_updated_at = iso_from_ms(env.now_ms);
  return ok(public_view(it->second));
}

// DELETE /v2/hc-rules/{id}/public  (deleteRule)
// Choice: like the other rule routes, 404 "Rule not found" outside the workspace; 200 with the
// deleted rule summary (no flowConfig). Drafts and published rules delete alike.
Reply delete_rule(Env& env, const Call& call) {
  Workspace& ws = workspace_of(env, call);
  auto it = ws.rules.find(call.params[0]);
  if (it == ws.rules.end()) return error(404, "Rule not found");
  json deleted = public_view(it->second);
  deleted.erase("flowConfig");
  ws.rules.erase(it);
  return ok(deleted);
}

// DELETE /v2/tag-groups/{id}/public  (deleteTagGroup)
// Choice: mirrors updateTagGroup's documented quirk: unknown ids AND Fini-managed (read-only)
// groups answer 500. Success: 200 with the deleted TagGroup; its tags are deleted too.
Reply delete_tag_group(Env& env, const Call& call) {
  Workspace& ws = workspace_of(env, call);
  auto it = ws.tag_groups.find(call.params[0]);
  if (it == ws.tag_groups.end() || it->second.value("_managed", false)) return error(500, "Internal Server Error");
  json deleted = public_view(it->second);
  for (auto t = ws.tags.begin(); t != ws.tags.end();) {
    t = str_or(t->second, "tagGroupId") == it->first ? ws.tags.erase(t) : std::next(t);
  }
  ws.tag_groups.erase(it);
  return ok(deleted);
}

// DELETE /v2/tag-groups/{id}/tags/public  (deleteTag)
// Choice: {id} is the TAG id (by analogy with updateTag); unknown ids and tags of Fini-managed
// groups answer 500 (like updateTag); success is 200 with the deleted Tag.
Reply delete_tag(Env& env, const Call& call) {
  Workspace& ws = workspace_of(env, call);
  auto it = ws.tags.find(call.params[0]);
  if (it == ws.tags.end()) return error(500, "Internal Server Error");
  auto g = ws.tag_groups.find(str_or(it->second, "tagGroupId"));
  if (g != ws.tag_groups.end() && g->second.value("_managed", false)) return error(500, "Internal Server Error");
  json deleted = public_view(it->second);
  ws.tags.erase(it);
  return ok(deleted);
}

}  // namespace

void register_profile_only_handlers(HandlerMap& m) {
  m["listArticles"] = list_articles;
  m["deleteArticle"] = delete_article;
  m["moveArticle"] = move_article;
  m["deleteRule"] = delete_rule;
  m["deleteTagGroup"] = delete_tag_group;
  m["deleteTag"] = delete_tag;
}

}  // namespace fini::sim
