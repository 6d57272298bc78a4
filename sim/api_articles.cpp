// Articles (wire name hc-articles): by-ids read, create, full update, fork a draft, publish a draft.
// listArticles, deleteArticle and moveArticle are profile-only routes: see profile_only.cpp.
#include "sim/api.hpp"
#include "sim/util.hpp"

namespace fini::sim {

namespace {

Reply get_articles_by_ids(Env& env, const Call& call) {
  Fields f(call.body);
  auto ids = f.str_array("articleIds", true);
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  json out = json::array();
  for (const auto& id : ids) {
    auto it = ws.articles.find(id);
    // Documented: missing ids are skipped silently (other workspaces' ids are simply missing here).
    if (it == ws.articles.end() || !article_visible(it->second, env.now_ms)) continue;
    out.push_back(public_view(it->second));
  }
  return ok(out);
}

Reply create_article(Env& env, const Call& call) {
  Fields f(call.body);
  ArticleContent c = read_article_content(f);
  std::string parent = f.str("parentFolderId", true, true);
  bool is_draft = f.boolean("isDraft", false, false);
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  if (!ws.folders.count(parent)) return error(400, "parentFolderId does not match a folder in this workspace");
  std::string id = random_uuid();
  std::string now = iso_from_ms(env.now_ms);
  json a = {{"id", id},
            {"parentFolderId", parent},
            {"isDraft", is_draft},
            {"active", true},
            {"public", true},
            {"origin", c.origin ? json(*c.origin) : json(nullptr)},
            {"originalArticleId", nullptr},
            {"originalArticleVersion", nullptr},
            {"isDraftPublished", is_draft ? json(false) : json(nullptr)},
            {"version", 1},
            {"createdAt", now},
            {"updatedAt", now}};
  apply_article_content(a, c);
  // active/public on the create route are ignored (service defaults), per the reference.
  a["active"] = true;
  a["public"] = true;
  ws.articles[id] = a;
  return ok(public_view(a));
}

json* find_visible(Env& env, Workspace& ws, const std::string& id) {
  auto it = ws.articles.find(id);
  if (it == ws.articles.end() || !article_visible(it->second, env.now_ms)) return nullptr;
  return &it->second;
}

// Draft and publish take "the same content fields as Create article", whose parentFolderId is
// required there; here it is optional and, when sent, must name a folder of the workspace.
bool folder_ok(const Workspace& ws, const std::optional<std::string>& folder) {
  return !folder || ws.folders.count(*folder) > 0;
}

const char* const kNoSuchFolder = "parentFolderId does not match a folder in this workspace";

Reply update_article(Env& env, const Call& call) {
  Fields f(call.body);
  ArticleContent c = read_article_content(f);
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  json* a = find_visible(env, ws, call.params[0]);
  if (!a) return error(404, "Article not found");
  apply_article_content(*a, c);
  (*a)["version"] = a->value("version", 1) + 1;
  (*a)["updatedAt"] = iso_from_ms(env.now_ms);
  return ok(public_view(*a));
}

Reply create_article_draft(Env& env, const Call& call) {
  Fields f(call.body);
  ArticleContent c = read_article_content(f);
  std::optional<std::string> folder = f.opt_str("parentFolderId");
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  if (!folder_ok(ws, folder)) return error(400, kNoSuchFolder);
  json* orig = find_visible(env, ws, call.params[0]);
  // Documented quirk: a missing source article gives 200 with a null body.
  if (!orig || orig->value("isDraft", false)) return ok(nullptr);
  std::string id = random_uuid();
  std::string now = iso_from_ms(env.now_ms);
  json d = {{"id", id},
            {"parentFolderId", folder ? json(*folder) : (*orig)["parentFolderId"]},
            {"isDraft", true},
            {"active", orig->value("active", true)},
            {"public", orig->value("public", true)},
            {"origin", c.origin ? json(*c.origin) : json("api")},
            {"originalArticleId", (*orig)["id"]},
            {"originalArticleVersion", orig->value("version", 1)},
            {"isDraftPublished", false},
            {"version", 1},
            {"createdAt", now},
            {"updatedAt", now}};
  apply_article_content(d, c);
  ws.articles[id] = d;
  return ok(public_view(d));
}

Reply publish_article_draft(Env& env, const Call& call) {
  Fields f(call.body);
  ArticleContent c = read_article_content(f);
  std::optional<std::string> folder = f.opt_str("parentFolderId");
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  if (!folder_ok(ws, folder)) return error(400, kNoSuchFolder);
  json* d = find_visible(env, ws, call.params[0]);
  if (!d || !d->value("isDraft", false) || d->value("isDraftPublished", false)) return error(404, "Draft not found");
  std::string now = iso_from_ms(env.now_ms);
  json* orig = nullptr;
  if ((*d)["originalArticleId"].is_string()) orig = find_visible(env, ws, (*d)["originalArticleId"].get<std::string>());
  (*d)["isDraftPublished"] = true;
  (*d)["updatedAt"] = now;
  json* live = orig ? orig : d;
  if (folder) (*live)["parentFolderId"] = *folder;
  if (orig) {
    // A forked draft updates its original; the draft stays as a published record.
    apply_article_content(*orig, c);
    (*orig)["version"] = orig->value("version", 1) + 1;
    (*orig)["updatedAt"] = now;
    return ok(public_view(*orig));
  }
  // A standalone draft becomes the live article itself.
  apply_article_content(*d, c);
  (*d)["isDraft"] = false;
  (*d)["version"] = d->value("version", 1) + 1;
  return ok(public_view(*d));
}

}  // namespace

void register_article_handlers(HandlerMap& m) {
  m["getArticlesByIds"] = get_articles_by_ids;
  m["createArticle"] = create_article;
  m["updateArticle"] = update_article;
  m["createArticleDraft"] = create_article_draft;
  m["publishArticleDraft"] = publish_article_draft;
}

}  // namespace fini::sim
