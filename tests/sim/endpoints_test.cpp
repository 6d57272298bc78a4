// One success per endpoint (all 56), and each endpoint's behaviour for another workspace's ids.
#include <set>

#include "sim_test_util.hpp"

namespace fini::sim::testing {
namespace {

const json kArticleBody = {{"title", "Gift wrapping"},     {"mainKnowledge", "Gift wrapping costs 5 dollars per item."},
                           {"agentInstruction", ""},       {"questions", {"Do you gift wrap?"}},
                           {"keywords", {"gift", "wrap"}}, {"escalation", false}};

json with(json base, const json& extra) {
  base.update(extra);
  return base;
}

class EndpointsTest : public SandboxTest {
 protected:
  std::set<std::string> covered_;
  void cover(const std::string& op) { covered_.insert(op); }
  std::string first_conversation_id(const char* key = kAcmeRw) {
    auto r = get("/v2/hc-interactions/public?limit=5", key);
    EXPECT_EQ(r.status, 200);
    return r.body["interactions"][0]["id"].get<std::string>();
  }
};

TEST_F(EndpointsTest, EveryEndpointSucceeds) {
  // Conversations
  auto list = get("/v2/hc-interactions/public?limit=3");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["interactions"].size(), 3u);
  EXPECT_TRUE(list.body["hasMore"].get<bool>());
  cover("listConversations");
  std::string c0 = list.body["interactions"][0]["id"];
  std::string c1 = list.body["interactions"][1]["id"];
  std::string c2 = list.body["interactions"][2]["id"];
  auto one = get("/v2/hc-interactions/" + c0 + "/public");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.body, list.body["interactions"][0]);
  EXPECT_FALSE(one.body.contains("_botId"));
  cover("getConversation");
  EXPECT_EQ(del("/v2/hc-interactions/" + c0 + "/public").body, json({{"success", true}}));
  EXPECT_TRUE(is_envelope(get("/v2/hc-interactions/" + c0 + "/public"), 500));
  cover("deleteConversation");
  EXPECT_EQ(del_body("/v2/hc-interactions/public", {{"ids", {c1, c2}}}).body, json({{"success", true}}));
  cover("bulkDeleteConversations");
  auto ans = post("/v2/hc-interactions/events/public", {{"content", "Where is my order?"}, {"botId", kSupportBot}});
  ASSERT_EQ(ans.status, 200);
  ASSERT_EQ(ans.body.size(), 2u);
  cover("generateAnswer");

  // Knowledge
  auto gen =
      post("/v2/knowledge/public", {{"candidateKnowledge", "Gift cards never expire."}, {"origin", "generated"}});
  ASSERT_EQ(gen.status, 200);
  cover("generateKnowledge");
  auto bulk = post("/v2/knowledge/public/bulk", {{"documentIds", {kWebDoc}}, {"origin", "sources"}});
  ASSERT_EQ(bulk.status, 200);
  EXPECT_EQ(bulk.body["jobs"][0]["documentId"], kWebDoc);
  cover("bulkGenerateKnowledge");
  auto jobs = post("/v2/knowledge/public/jobs/status", {{"jobIds", {gen.body["backgroundJobId"]}}}, kAcmeRead);
  ASSERT_EQ(jobs.status, 200);
  EXPECT_EQ(jobs.body["jobs"][0]["jobStatus"], "PENDING");
  cover("checkKnowledgeJobs");
  auto init = post("/v2/knowledge/public/tree/initialize", {{"initPrompt", "Loyalty program"}});
  ASSERT_EQ(init.status, 200);
  EXPECT_EQ(init.raw.substr(0, 12), "folderId,fol");
  cover("initializeKnowledgeFolders");
  {
    httplib::Client cli("127.0.0.1", sb_->port());
    httplib::MultipartFormDataItems items = {{"file", init.raw, "tree.csv", "text/csv"}};
    auto r = to_resp(
        cli.Post("/v2/knowledge/public/tree/persist", {{"Authorization", std::string("Bearer ") + kAcmeRw}}, items));
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["status"], "success");
    cover("persistKnowledgeFolders");
  }

  // Sources
  ASSERT_EQ(get("/v2/documents/public").status, 200);
  cover("listSources");
  ASSERT_EQ(get(std::string("/v2/documents/public/") + kWebDoc).body["id"], kWebDoc);
  cover("getSource");
  auto disc = get("/v2/documents/public/resources/notion");
  ASSERT_EQ(disc.status, 200);
  cover("listProviderResources");
  auto reg = post("/v2/documents/public/resources/notion", {{"resources", {disc.body[0]}}});
  ASSERT_EQ(reg.status, 200);
  ASSERT_EQ(reg.body["addedDocumentIds"].size(), 1u);
  cover("registerProviderResources");
  auto ing = post("/v2/documents/public", {{"source", "web"}, {"documentIdsToAdd", {"https://help.acme.test/new"}}});
  ASSERT_EQ(ing.status, 200);
  ASSERT_EQ(ing.body["addedDocumentIds"].size(), 1u);
  cover("ingestSources");
  auto crawl = post("/v2/documents/public/deep-crawl/links", {{"links", {"https://help.acme.test"}}, {"limit", 3}});
  ASSERT_EQ(crawl.status, 200);
  EXPECT_EQ(crawl.body["data"].size(), 3u);
  EXPECT_EQ(crawl.body["message"], "Successfully crawled parent URLs");
  cover("crawlLinks");
  EXPECT_EQ(post("/v2/documents/public/refresh", {{"documentIds", {kWebDoc}}}).body, json::array({kWebDoc}));
  cover("refreshSources");
  auto dels = del_body("/v2/documents/public", {{"documentIds", {kDriveDoc}}});
  ASSERT_EQ(dels.status, 200);
  EXPECT_EQ(dels.body["deletedDocuments"][0]["id"], kDriveDoc);
  cover("deleteSources");

  // Articles
  ASSERT_EQ(get("/v2/hc-articles/public").status, 200);
  cover("listArticles");
  ASSERT_EQ(post("/v2/hc-articles/ids/public", {{"articleIds", {kTrackArticle}}}).body[0]["id"], kTrackArticle);
  cover("getArticlesByIds");
  auto created = post("/v2/hc-articles/public", with(kArticleBody, {{"parentFolderId", kShippingFolder}}));
  ASSERT_EQ(created.status, 200);
  std::string art = created.body["id"];
  cover("createArticle");
  ASSERT_EQ(put("/v2/hc-articles/" + art + "/public", with(kArticleBody, {{"title", "Gift wrap"}})).body["version"], 2);
  cover("updateArticle");
  auto draft = post("/v2/hc-articles/" + art + "/draft/public", kArticleBody);
  ASSERT_EQ(draft.body["originalArticleId"], art);
  cover("createArticleDraft");
  auto pub = post("/v2/hc-articles/" + draft.body["id"].get<std::string>() + "/publish/public", kArticleBody);
  ASSERT_EQ(pub.body["id"], art);
  cover("publishArticleDraft");
  ASSERT_EQ(put("/v2/hc-articles/" + art + "/move/public", {{"parentFolderId", kBillingFolder}}).body["parentFolderId"],
            kBillingFolder);
  cover("moveArticle");
  ASSERT_EQ(del("/v2/hc-articles/" + art + "/public").body["id"], art);
  cover("deleteArticle");

  // Folders
  ASSERT_EQ(get("/v2/hc-folders/public").status, 200);
  cover("getKnowledgeFolders");
  auto folder = post("/v2/hc-folders/public", {{"title", "Promotions"}, {"description", ""}});
  ASSERT_EQ(folder.status, 200);
  std::string fid = folder.body["id"];
  cover("createKnowledgeFolder");
  ASSERT_EQ(
      put("/v2/hc-folders/" + fid + "/public", {{"title", "Promos"}, {"description", "d"}, {"active", true}}).status,
      200);
  cover("updateKnowledgeFolder");
  ASSERT_EQ(put("/v2/hc-folders/" + fid + "/move/public", {{"parentFolderId", kOrdersFolder}}).body["parentFolderId"],
            kOrdersFolder);
  cover("moveKnowledgeFolder");
  EXPECT_EQ(post("/v2/hc-bot-folder-junctions/public",
                 {{"junctions", {{{"folderId", fid}, {"botId", kSupportBot}, {"action", "ADD"}}}}})
                .body,
            json({{"status", true}}));
  cover("assignKnowledgeToAgents");
  ASSERT_EQ(del("/v2/hc-folders/" + fid + "/public").body["id"], fid);
  cover("deleteKnowledgeFolder");

  // Rules
  ASSERT_EQ(get("/v2/hc-rules/public").status, 200);
  cover("listRules");
  ASSERT_EQ(get(std::string("/v2/hc-rules/") + kIntentRule + "/public").body["id"], kIntentRule);
  cover("getRule");
  auto rule = post("/v2/hc-rules/public",
                   {{"name", "Price match"}, {"description", "Runs on price match asks."}, {"type", "intent"}});
  ASSERT_EQ(rule.status, 200);
  std::string rid = rule.body["id"];
  cover("createRule");
  auto rdraft = post("/v2/hc-rules/draft/public", {{"behaviorInstructions", "Offer a coupon to unhappy customers."}});
  ASSERT_EQ(rdraft.body["isDraft"], true);
  std::string did = rdraft.body["id"];
  cover("createRuleDraft");
  ASSERT_EQ(patch("/v2/hc-rules/" + rid + "/public", {{"name", "Price matching"}}).body["name"], "Price matching");
  cover("updateRule");
  ASSERT_EQ(post("/v2/hc-rules/" + rid + "/duplicate/public", json::object()).status, 200);
  cover("duplicateRule");
  ASSERT_EQ(post("/v2/hc-rules/" + did + "/refine/public", {{"refinementInstructions", "Only for VIPs."}}).status, 200);
  cover("refineRuleDraft");
  ASSERT_EQ(post("/v2/hc-rules/" + did + "/publish/public", {{"botIds", {kSupportBot}}}).body["isDraft"], false);
  cover("publishRuleDraft");
  ASSERT_EQ(del("/v2/hc-rules/" + rid + "/public").body["id"], rid);
  cover("deleteRule");

  // Tags
  ASSERT_EQ(get("/v2/tag-groups/public").status, 200);
  cover("listTagGroups");
  auto group = post("/v2/tag-groups/public", {{"title", "Channel"}});
  ASSERT_EQ(group.status, 200);
  std::string gid = group.body["id"];
  cover("createTagGroup");
  ASSERT_EQ(get("/v2/tag-groups/" + gid + "/public").body["title"], "Channel");
  cover("getTagGroup");
  ASSERT_EQ(put("/v2/tag-groups/" + gid + "/public", {{"prompt", "Pick one"}}).body["prompt"], "Pick one");
  cover("updateTagGroup");
  auto tag = post("/v2/tag-groups/" + gid + "/tags/public", {{"tagName", "Email"}});
  ASSERT_EQ(tag.status, 200);
  std::string tid = tag.body["id"];
  cover("createTag");
  ASSERT_EQ(get("/v2/tag-groups/" + gid + "/tags/public").body.size(), 1u);
  cover("listTagsInGroup");
  ASSERT_EQ(put("/v2/tag-groups/" + tid + "/tags/public", {{"tagName", "E-mail"}}).body["tagName"], "E-mail");
  cover("updateTag");
  ASSERT_EQ(get("/v2/tags/" + tid + "/public").body["tagName"], "E-mail");
  cover("getTag");
  ASSERT_EQ(get("/v2/tag-groups/tags/public?tagGroupIds=" + gid + "&tagGroupIds=" + kOrderIntentGroup).body.size(), 4u);
  cover("listTagsAcrossGroups");
  ASSERT_EQ(del("/v2/tag-groups/" + tid + "/tags/public").body["id"], tid);
  cover("deleteTag");
  ASSERT_EQ(del("/v2/tag-groups/" + gid + "/public").body["id"], gid);
  cover("deleteTagGroup");

  // Agents and prompts
  ASSERT_EQ(get("/v2/bots/public").body.size(), 3u);
  cover("listAgents");
  ASSERT_EQ(get(std::string("/v2/bots/") + kSupportBot + "/hc-prompt/public").body["botId"], kSupportBot);
  cover("getPrompts");
  ASSERT_EQ(get(std::string("/v2/bots/") + kSupportBot + "/hc-prompt/history/public").body.size(), 2u);
  cover("getPromptHistory");
  json prompt = {
      {"hcPlanningPrompt", json::array()}, {"hcGuidelinePrompt", json::array()}, {"hcChannelPrompt", json::array()}};
  ASSERT_EQ(post(std::string("/v2/bots/") + kSupportBot + "/hc-prompt", prompt).status, 200);
  cover("updatePrompts");

  std::set<std::string> all;
  for (const auto& r : Sandbox::routes()) all.insert(r.operation_id);
  EXPECT_EQ(covered_, all);
  EXPECT_EQ(sb_->internal_errors(), 0u);  // the 500s above are documented answers, not caught exceptions
}

// Another workspace's ids: each route answers with its documented status, and nothing leaks or changes.
TEST_F(EndpointsTest, OtherWorkspaceIdsAreInvisibleWithEachRoutesStatus) {
  const char* g = kGlobexRw;
  std::string acme_conv = first_conversation_id();
  auto glist = get("/v2/hc-interactions/public?limit=100", g);
  EXPECT_GT(glist.body["interactions"].size(), 0u);
  for (const auto& c : json(get("/v2/hc-interactions/public?limit=100", g).body["interactions"])) {
    EXPECT_NE(c["id"], acme_conv);
  }
  cover("listConversations");
  EXPECT_TRUE(is_envelope(get("/v2/hc-interactions/" + acme_conv + "/public", g), 500, "Internal Server Error"));
  cover("getConversation");
  EXPECT_EQ(del("/v2/hc-interactions/" + acme_conv + "/public", g).body, json({{"success", true}}));
  EXPECT_EQ(get("/v2/hc-interactions/" + acme_conv + "/public").status, 200);  // untouched
  cover("deleteConversation");
  EXPECT_TRUE(is_envelope(del_body("/v2/hc-interactions/public", {{"ids", {acme_conv}}}, g), 406));
  EXPECT_EQ(get("/v2/hc-interactions/" + acme_conv + "/public").status, 200);
  cover("bulkDeleteConversations");
  EXPECT_TRUE(is_envelope(
      post("/v2/hc-interactions/events/public", {{"content", "hi"}, {"interactionId", acme_conv}}, g), 500));
  EXPECT_TRUE(
      is_envelope(post("/v2/hc-interactions/events/public", {{"content", "hi"}, {"botId", kSupportBot}}, g), 500));
  cover("generateAnswer");
  EXPECT_TRUE(is_envelope(
      post("/v2/knowledge/public", {{"candidateKnowledge", "x"}, {"origin", "sources"}, {"documentId", kWebDoc}}, g),
      400, "documentId does not match a source in this workspace"));
  cover("generateKnowledge");
  EXPECT_TRUE(
      is_envelope(post("/v2/knowledge/public/bulk", {{"documentIds", {kWebDoc}}, {"origin", "sources"}}, g), 400));
  cover("bulkGenerateKnowledge");
  auto job = post("/v2/knowledge/public", {{"candidateKnowledge", "Acme secret."}, {"origin", "generated"}});
  std::string jid = job.body["backgroundJobId"];
  EXPECT_TRUE(is_envelope(post("/v2/knowledge/public/jobs/status", {{"jobIds", {jid}}}, g), 404,
                          "Knowledge job not found: " + jid));
  cover("checkKnowledgeJobs");
  auto tree = post("/v2/knowledge/public/tree/initialize", {{"initPrompt", "x"}}, g);
  ASSERT_EQ(tree.status, 200);
  EXPECT_EQ(tree.raw.find("ac0f0000"), std::string::npos);
  EXPECT_NE(tree.raw.find(kGlobexFolder), std::string::npos);
  cover("initializeKnowledgeFolders");
  {
    // A CSV naming acme articles moves nothing in acme.
    std::string csv =
        std::string("folderId,folderPath,folderDescription,articleId,articleTitle\n,Stolen,,") + kTrackArticle + ",x\n";
    httplib::Client cli("127.0.0.1", sb_->port());
    httplib::MultipartFormDataItems items = {{"file", csv, "t.csv", "text/csv"}};
    auto r =
        to_resp(cli.Post("/v2/knowledge/public/tree/persist", {{"Authorization", std::string("Bearer ") + g}}, items));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(post("/v2/hc-articles/ids/public", {{"articleIds", {kTrackArticle}}}).body[0]["parentFolderId"],
              kShippingFolder);
    cover("persistKnowledgeFolders");
  }
  EXPECT_EQ(get("/v2/documents/public?limit=100", g).body["documents"].size(), 2u);
  for (const auto& d : json(get("/v2/documents/public?limit=100", g).body["documents"]))
    EXPECT_EQ(d["id"].get<std::string>().substr(0, 2), "6b");
  cover("listSources");
  EXPECT_TRUE(is_envelope(get(std::string("/v2/documents/public/") + kWebDoc, g), 403));
  cover("getSource");
  EXPECT_TRUE(is_envelope(get("/v2/documents/public/resources/notion", g), 400,
                          "Provider notion is not connected for this workspace; connect it in the dashboard first"));
  cover("listProviderResources");
  json res = {{"originalUrl", "https://n.so/x"}, {"title", "x"}, {"externalId", "x"}, {"mimeType", "text/markdown"}};
  EXPECT_TRUE(is_envelope(post("/v2/documents/public/resources/zendesk", {{"resources", {res}}}, g), 400));
  cover("registerProviderResources");
  EXPECT_TRUE(
      is_envelope(post("/v2/documents/public", {{"source", "googledrive"}, {"documentIdsToAdd", {kDriveDoc}}}, g), 400,
                  std::string("documentIdsToAdd contains an unknown source ID: ") + kDriveDoc));
  cover("ingestSources");
  EXPECT_EQ(post("/v2/documents/public/deep-crawl/links", {{"links", {"https://globex.test"}}}, g).status, 200);
  cover("crawlLinks");
  EXPECT_TRUE(is_envelope(post("/v2/documents/public/refresh", {{"documentIds", {kWebDoc}}}, g), 403));
  cover("refreshSources");
  EXPECT_TRUE(is_envelope(del_body("/v2/documents/public", {{"documentIds", {kWebDoc}}}, g), 403));
  EXPECT_EQ(get(std::string("/v2/documents/public/") + kWebDoc).status, 200);
  cover("deleteSources");
  EXPECT_EQ(get("/v2/hc-articles/public", g).body.size(), 3u);
  for (const auto& a : json(get("/v2/hc-articles/public", g).body))
    EXPECT_EQ(a["id"].get<std::string>().substr(0, 2), "6b");
  cover("listArticles");
  EXPECT_EQ(post("/v2/hc-articles/ids/public", {{"articleIds", {kTrackArticle, kGlobexArticle}}}, g).body.size(), 1u);
  cover("getArticlesByIds");
  EXPECT_TRUE(is_envelope(post("/v2/hc-articles/public", with(kArticleBody, {{"parentFolderId", kShippingFolder}}), g),
                          400, "parentFolderId does not match a folder in this workspace"));
  cover("createArticle");
  EXPECT_TRUE(is_envelope(put(std::string("/v2/hc-articles/") + kTrackArticle + "/public", kArticleBody, g), 404,
                          "Article not found"));
  cover("updateArticle");
  auto nul = post(std::string("/v2/hc-articles/") + kTrackArticle + "/draft/public", kArticleBody, g);
  EXPECT_EQ(nul.status, 200);
  EXPECT_TRUE(nul.body.is_null());
  cover("createArticleDraft");
  EXPECT_TRUE(
      is_envelope(post(std::string("/v2/hc-articles/") + kGiftDraft + "/publish/public", kArticleBody, g), 404));
  cover("publishArticleDraft");
  EXPECT_TRUE(is_envelope(del(std::string("/v2/hc-articles/") + kTrackArticle + "/public", g), 404));
  cover("deleteArticle");
  EXPECT_TRUE(is_envelope(
      put(std::string("/v2/hc-articles/") + kTrackArticle + "/move/public", {{"parentFolderId", kGlobexFolder}}, g),
      404));
  cover("moveArticle");
  EXPECT_EQ(get(std::string("/v2/hc-folders/public?botId=") + kSupportBot, g).body["snapshotObjV2"], json::array());
  cover("getKnowledgeFolders");
  EXPECT_TRUE(is_envelope(
      post("/v2/hc-folders/public", {{"title", "x"}, {"description", ""}, {"parentFolderId", kOrdersFolder}}, g), 404,
      "Parent folder not found"));
  cover("createKnowledgeFolder");
  EXPECT_TRUE(is_envelope(put(std::string("/v2/hc-folders/") + kOrdersFolder + "/public",
                              {{"title", "x"}, {"description", ""}, {"active", true}}, g),
                          404));
  cover("updateKnowledgeFolder");
  EXPECT_TRUE(is_envelope(
      put(std::string("/v2/hc-folders/") + kOrdersFolder + "/move/public", {{"parentFolderId", kGlobexFolder}}, g),
      404));
  cover("moveKnowledgeFolder");
  EXPECT_TRUE(is_envelope(del(std::string("/v2/hc-folders/") + kOrdersFolder + "/public", g), 404));
  cover("deleteKnowledgeFolder");
  EXPECT_TRUE(
      is_envelope(post("/v2/hc-bot-folder-junctions/public",
                       {{"junctions", {{{"folderId", kGlobexFolder}, {"botId", kSupportBot}, {"action", "ADD"}}}}}, g),
                  400, "junctions[0].botId does not match an agent in this workspace"));
  cover("assignKnowledgeToAgents");
  for (const auto& r : json(get("/v2/hc-rules/public", g).body)) EXPECT_EQ(r["id"], kGlobexRule);
  cover("listRules");
  EXPECT_TRUE(is_envelope(get(std::string("/v2/hc-rules/") + kIntentRule + "/public", g), 404, "Rule not found"));
  cover("getRule");
  EXPECT_TRUE(is_envelope(
      post("/v2/hc-rules/public", {{"name", "x"}, {"description", "y"}, {"botIds", {kSupportBot}}}, g), 400));
  cover("createRule");
  EXPECT_EQ(post("/v2/hc-rules/draft/public", {{"behaviorInstructions", "x"}}, g).status, 200);
  cover("createRuleDraft");
  EXPECT_TRUE(is_envelope(patch(std::string("/v2/hc-rules/") + kIntentRule + "/public", {{"name", "x"}}, g), 404));
  cover("updateRule");
  EXPECT_TRUE(is_envelope(del(std::string("/v2/hc-rules/") + kIntentRule + "/public", g), 404));
  cover("deleteRule");
  EXPECT_TRUE(
      is_envelope(post(std::string("/v2/hc-rules/") + kIntentRule + "/duplicate/public", json::object(), g), 404));
  cover("duplicateRule");
  EXPECT_TRUE(is_envelope(
      post(std::string("/v2/hc-rules/") + kDraftRule + "/publish/public", {{"botIds", {kGlobexBot}}}, g), 404));
  cover("publishRuleDraft");
  EXPECT_TRUE(is_envelope(
      post(std::string("/v2/hc-rules/") + kDraftRule + "/refine/public", {{"refinementInstructions", "x"}}, g), 404));
  cover("refineRuleDraft");
  for (const auto& tg : json(get("/v2/tag-groups/public", g).body)) EXPECT_NE(tg["id"], kOrderIntentGroup);
  cover("listTagGroups");
  EXPECT_EQ(post("/v2/tag-groups/public", {{"title", "Mine"}}, g).body["companyId"],
            "6b6b6b6b-0000-4000-8000-000000000000");
  cover("createTagGroup");
  EXPECT_TRUE(is_envelope(get(std::string("/v2/tag-groups/") + kOrderIntentGroup + "/public", g), 500));
  cover("getTagGroup");
  EXPECT_TRUE(
      is_envelope(put(std::string("/v2/tag-groups/") + kOrderIntentGroup + "/public", {{"title", "x"}}, g), 500));
  cover("updateTagGroup");
  EXPECT_TRUE(is_envelope(del(std::string("/v2/tag-groups/") + kOrderIntentGroup + "/public", g), 500));
  cover("deleteTagGroup");
  EXPECT_TRUE(is_envelope(get(std::string("/v2/tag-groups/") + kOrderIntentGroup + "/tags/public", g), 500));
  cover("listTagsInGroup");
  EXPECT_TRUE(is_envelope(
      post(std::string("/v2/tag-groups/") + kOrderIntentGroup + "/tags/public", {{"tagName", "x"}}, g), 500));
  cover("createTag");
  EXPECT_TRUE(
      is_envelope(put(std::string("/v2/tag-groups/") + kTrackTag + "/tags/public", {{"tagName", "x"}}, g), 500));
  cover("updateTag");
  EXPECT_TRUE(is_envelope(del(std::string("/v2/tag-groups/") + kTrackTag + "/tags/public", g), 500));
  cover("deleteTag");
  auto tagnull = get(std::string("/v2/tags/") + kTrackTag + "/public", g);
  EXPECT_EQ(tagnull.status, 200);
  EXPECT_TRUE(tagnull.body.is_null());
  cover("getTag");
  EXPECT_EQ(get(std::string("/v2/tag-groups/tags/public?tagGroupIds=") + kOrderIntentGroup, g).body, json::array());
  cover("listTagsAcrossGroups");
  auto bots = get("/v2/bots/public", g);
  ASSERT_EQ(bots.body.size(), 1u);
  cover("listAgents");
  EXPECT_TRUE(is_envelope(get(std::string("/v2/bots/") + kSupportBot + "/hc-prompt/public", g), 406, "Invalid agent"));
  cover("getPrompts");
  EXPECT_TRUE(
      is_envelope(get(std::string("/v2/bots/") + kSupportBot + "/hc-prompt/history/public", g), 406, "Invalid agent"));
  cover("getPromptHistory");
  json prompt = {
      {"hcPlanningPrompt", json::array()}, {"hcGuidelinePrompt", json::array()}, {"hcChannelPrompt", json::array()}};
  EXPECT_TRUE(
      is_envelope(post(std::string("/v2/bots/") + kSupportBot + "/hc-prompt", prompt, g), 406, "Invalid agent"));
  cover("updatePrompts");

  std::set<std::string> all;
  for (const auto& r : Sandbox::routes()) all.insert(r.operation_id);
  EXPECT_EQ(covered_, all);
  EXPECT_EQ(sb_->internal_errors(), 0u);  // the 500s above are documented answers, not caught exceptions
}

}  // namespace
}  // namespace fini::sim::testing
