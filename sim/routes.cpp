#include "sim/routes.hpp"

#include "common/percent.hpp"
#include "sim/util.hpp"

namespace fini::sim {

const std::vector<RouteInfo>& route_table() {
  // Copied from shared/fini-api/endpoints.json (non-legacy entries). Scopes matter: the two
  // read-scope POSTs are checkKnowledgeJobs and getArticlesByIds.
  static const std::vector<RouteInfo> kRoutes = {
      {"GET", "/v2/hc-interactions/public", "read", "listConversations"},
      {"GET", "/v2/hc-interactions/{id}/public", "read", "getConversation"},
      {"DELETE", "/v2/hc-interactions/{id}/public", "write", "deleteConversation"},
      {"DELETE", "/v2/hc-interactions/public", "write", "bulkDeleteConversations"},
      {"POST", "/v2/hc-interactions/events/public", "write", "generateAnswer"},
      {"POST", "/v2/knowledge/public", "write", "generateKnowledge"},
      {"POST", "/v2/knowledge/public/bulk", "write", "bulkGenerateKnowledge"},
      {"POST", "/v2/knowledge/public/jobs/status", "read", "checkKnowledgeJobs"},
      {"POST", "/v2/knowledge/public/tree/initialize", "write", "initializeKnowledgeFolders"},
      {"POST", "/v2/knowledge/public/tree/persist", "write", "persistKnowledgeFolders"},
      {"GET", "/v2/documents/public", "read", "listSources"},
      {"GET", "/v2/documents/public/{id}", "read", "getSource"},
      {"GET", "/v2/documents/public/resources/{provider}", "read", "listProviderResources"},
      {"POST", "/v2/documents/public/resources/{provider}", "write", "registerProviderResources"},
      {"POST", "/v2/documents/public", "write", "ingestSources"},
      {"POST", "/v2/documents/public/deep-crawl/links", "write", "crawlLinks"},
      {"POST", "/v2/documents/public/refresh", "write", "refreshSources"},
      {"DELETE", "/v2/documents/public", "write", "deleteSources"},
      {"GET", "/v2/hc-articles/public", "read", "listArticles"},
      {"POST", "/v2/hc-articles/ids/public", "read", "getArticlesByIds"},
      {"POST", "/v2/hc-articles/public", "write", "createArticle"},
      {"PUT", "/v2/hc-articles/{id}/public", "write", "updateArticle"},
      {"POST", "/v2/hc-articles/{id}/draft/public", "write", "createArticleDraft"},
      {"POST", "/v2/hc-articles/{id}/publish/public", "write", "publishArticleDraft"},
      {"DELETE", "/v2/hc-articles/{id}/public", "write", "deleteArticle"},
      {"PUT", "/v2/hc-articles/{id}/move/public", "write", "moveArticle"},
      {"GET", "/v2/hc-folders/public", "read", "getKnowledgeFolders"},
      {"POST", "/v2/hc-folders/public", "write", "createKnowledgeFolder"},
      {"PUT", "/v2/hc-folders/{id}/public", "write", "updateKnowledgeFolder"},
      {"PUT", "/v2/hc-folders/{id}/move/public", "write", "moveKnowledgeFolder"},
      {"DELETE", "/v2/hc-folders/{id}/public", "write", "deleteKnowledgeFolder"},
      {"POST", "/v2/hc-bot-folder-junctions/public", "write", "assignKnowledgeToAgents"},
      {"GET", "/v2/hc-rules/public", "read", "listRules"},
      {"GET", "/v2/hc-rules/{id}/public", "read", "getRule"},
      {"POST", "/v2/hc-rules/public", "write", "createRule"},
      {"POST", "/v2/hc-rules/draft/public", "write", "createRuleDraft"},
      {"PATCH", "/v2/hc-rules/{id}/public", "write", "updateRule"},
      {"DELETE", "/v2/hc-rules/{id}/public", "write", "deleteRule"},
      {"POST", "/v2/hc-rules/{id}/duplicate/public", "write", "duplicateRule"},
      {"POST", "/v2/hc-rules/{id}/publish/public", "write", "publishRuleDraft"},
      {"POST", "/v2/hc-rules/{id}/refine/public", "write", "refineRuleDraft"},
      {"GET", "/v2/tag-groups/public", "read", "listTagGroups"},
      {"POST", "/v2/tag-groups/public", "write", "createTagGroup"},
      {"GET", "/v2/tag-groups/{id}/public", "read", "getTagGroup"},
      {"PUT", "/v2/tag-groups/{id}/public", "write", "updateTagGroup"},
      {"DELETE", "/v2/tag-groups/{id}/public", "write", "deleteTagGroup"},
      {"GET", "/v2/tag-groups/{id}/tags/public", "read", "listTagsInGroup"},
      {"POST", "/v2/tag-groups/{id}/tags/public", "write", "createTag"},
      {"PUT", "/v2/tag-groups/{id}/tags/public", "write", "updateTag"},
      {"DELETE", "/v2/tag-groups/{id}/tags/public", "write", "deleteTag"},
      {"GET", "/v2/tags/{id}/public", "read", "getTag"},
      {"GET", "/v2/tag-groups/tags/public", "read", "listTagsAcrossGroups"},
      {"GET", "/v2/bots/public", "read", "listAgents"},
      {"GET", "/v2/bots/{id}/hc-prompt/public", "read", "getPrompts"},
      {"GET", "/v2/bots/{id}/hc-prompt/history/public", "read", "getPromptHistory"},
      {"POST", "/v2/bots/{id}/hc-prompt", "write", "updatePrompts"},
  };
  return kRoutes;
}

namespace {
// Returns the number of literal segments matched, or -1 when the template does not match.
int match_template(std::string_view tmpl, const std::vector<std::string>& segs, std::vector<std::string>* params) {
  auto tsegs = split(tmpl, '/');
  if (tsegs.size() != segs.size()) return -1;
  int literals = 0;
  std::vector<std::string> out;
  for (size_t i = 0; i < segs.size(); ++i) {
    const std::string& t = tsegs[i];
    if (!t.empty() && t.front() == '{') {
      if (segs[i].empty()) return -1;
      out.push_back(segs[i]);
    } else if (t == segs[i]) {
      ++literals;
    } else {
      return -1;
    }
  }
  if (params) *params = std::move(out);
  return literals;
}
}  // namespace

std::optional<RouteMatch> match_route(std::string_view method, std::string_view path, bool* path_known) {
  auto segs = split(path, '/');
  // A segment with a malformed %-escape is matched as written (as this sandbox always did).
  for (auto& seg : segs) seg = fini::percent_decode(seg).value_or(seg);
  std::optional<RouteMatch> best;
  int best_literals = -1;
  if (path_known) *path_known = false;
  for (const auto& r : route_table()) {
    std::vector<std::string> params;
    int literals = match_template(r.path, segs, &params);
    if (literals < 0) continue;
    if (r.method != method) {
      if (path_known) *path_known = true;
      continue;
    }
    if (literals > best_literals) {
      best_literals = literals;
      best = RouteMatch{&r, std::move(params)};
    }
  }
  return best;
}

}  // namespace fini::sim
