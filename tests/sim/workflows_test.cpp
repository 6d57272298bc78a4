// Stateful workflows: job lifecycles on the job clock, the provider three-step import, the refresh
// loop, generate-answer continuation and grounding, tree initialize/persist, drafts and rules.
#include <set>

#include "sim_test_util.hpp"

namespace fini::sim::testing {
namespace {

class WorkflowTest : public SandboxTest {
 protected:
  json job(const std::string& id) {
    auto r = post("/v2/knowledge/public/jobs/status", {{"jobIds", {id}}}, kAcmeRead);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body["jobs"][0];
  }
  json source(const std::string& id) { return get("/v2/documents/public/" + id).body; }
};

TEST_F(WorkflowTest, KnowledgeJobMovesThroughStagesAndCreatesADraft) {
  auto r = post("/v2/knowledge/public", {{"candidateKnowledge", "Gift cards never expire. They work on any order."},
                                         {"origin", "generated"},
                                         {"botId", kSupportBot}});
  std::string id = r.body["backgroundJobId"];
  json j = job(id);
  EXPECT_EQ(j["jobStatus"], "PENDING");
  EXPECT_TRUE(j["hcArticleId"].is_null());
  EXPECT_FALSE(j.contains("startedAt"));
  sb_->advance_clock(kStep);
  j = job(id);
  EXPECT_EQ(j["jobStatus"], "IN_PROGRESS");
  EXPECT_TRUE(j.contains("startedAt"));
  auto drafts_before = get("/v2/hc-articles/public?type=draft").body.size();
  sb_->advance_clock(kStep);
  j = job(id);
  EXPECT_EQ(j["jobStatus"], "COMPLETED");
  ASSERT_TRUE(j["hcArticleId"].is_string());
  EXPECT_EQ(j["completedAt"], "2026-01-01T00:00:02.000Z");
  auto art = post("/v2/hc-articles/ids/public", {{"articleIds", {j["hcArticleId"]}}});
  ASSERT_EQ(art.body.size(), 1u);
  EXPECT_EQ(art.body[0]["title"], "Gift cards never expire");
  EXPECT_EQ(art.body[0]["isDraft"], true);  // isDraft defaults to true for knowledge generation
  EXPECT_EQ(get("/v2/hc-articles/public?type=draft").body.size(), drafts_before + 1);
}

TEST_F(WorkflowTest, ArticleStaysHiddenUntilTheJobCompletes) {
  auto r = post(
      "/v2/knowledge/public",
      {{"candidateKnowledge", "Warehouse closes at noon on Fridays."}, {"origin", "generated"}, {"isDraft", false}});
  size_t live = get("/v2/hc-articles/public?type=live").body.size();
  sb_->advance_clock(2 * kStep - 1);
  EXPECT_EQ(get("/v2/hc-articles/public?type=live").body.size(), live);
  sb_->advance_clock(1);
  EXPECT_EQ(get("/v2/hc-articles/public?type=live").body.size(), live + 1);
  EXPECT_EQ(job(r.body["backgroundJobId"])["jobStatus"], "COMPLETED");
}

TEST_F(WorkflowTest, DoNothingCompletesWithoutAnArticle) {
  auto r = post("/v2/knowledge/public",
                {{"candidateKnowledge", "x y z"}, {"origin", "generated"}, {"restrictedOps", {"DO_NOTHING"}}});
  sb_->advance_clock(2 * kStep);
  json j = job(r.body["backgroundJobId"]);
  EXPECT_EQ(j["jobStatus"], "COMPLETED");
  EXPECT_TRUE(j["hcArticleId"].is_null());
}

TEST_F(WorkflowTest, IngestionCompletesOrFailsForUnreachableHosts) {
  auto r = post("/v2/documents/public", {{"documentIdsToAdd",
                                          {"https://help.acme.test/articles/gift-cards",
                                           "https://docs.unreachable.example/x", "https://help.acme.invalid/y"}}});
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.body["addedDocumentIds"].size(), 3u);
  std::string ok_id = r.body["addedDocumentIds"][0], bad1 = r.body["addedDocumentIds"][1],
              bad2 = r.body["addedDocumentIds"][2];
  EXPECT_EQ(source(ok_id)["linkedJobStatus"], "PENDING");
  EXPECT_EQ(source(ok_id)["title"], "Gift cards");
  sb_->advance_clock(kStep);
  EXPECT_EQ(source(ok_id)["linkedJobStatus"], "IN_PROGRESS");
  sb_->advance_clock(kStep);
  json done = source(ok_id);
  EXPECT_EQ(done["linkedJobStatus"], "COMPLETED");
  EXPECT_EQ(done["success"], true);
  EXPECT_EQ(done["error"], "");
  EXPECT_GT(done["paragraphs"].size(), 0u);
  for (const auto& id : {bad1, bad2}) {
    json f = source(id);
    EXPECT_EQ(f["linkedJobStatus"], "FAILED");
    EXPECT_EQ(f["success"], false);
    EXPECT_NE(f["error"].get<std::string>().find("host unreachable"), std::string::npos);
  }
  // Same URL again: an update of the existing record, not a duplicate.
  auto again = post("/v2/documents/public", {{"documentIdsToAdd", {"https://help.acme.test/articles/gift-cards"}}});
  EXPECT_EQ(again.body["updatedDocumentIds"], json::array({ok_id}));
}

TEST_F(WorkflowTest, ProviderThreeStepFlow) {
  auto disc = get("/v2/documents/public/resources/notion");
  ASSERT_EQ(disc.status, 200);
  std::set<std::string> ext;
  for (const auto& r : disc.body) ext.insert(r["externalId"]);
  EXPECT_EQ(ext, (std::set<std::string>{"n-1003", "n-1004", "n-1006"}));  // n-1001/2/5 already imported
  json pick = disc.body[0];
  auto reg = post("/v2/documents/public/resources/notion", {{"resources", {pick}}});
  ASSERT_EQ(reg.body["addedDocumentIds"].size(), 1u);
  std::string id = reg.body["addedDocumentIds"][0];
  json registered = source(id);
  EXPECT_TRUE(registered["linkedJobStatus"].is_null());  // registered, not ingested
  EXPECT_EQ(registered["source"], "notion");
  EXPECT_EQ(get("/v2/documents/public/resources/notion").body.size(), 2u);  // no longer discoverable
  auto reg2 = post("/v2/documents/public/resources/notion", {{"resources", {pick}}});
  EXPECT_EQ(reg2.body["updatedDocumentIds"], json::array({id}));
  auto ing = post("/v2/documents/public", {{"source", "notion"}, {"documentIdsToAdd", {id}}});
  EXPECT_EQ(ing.body["addedDocumentIds"], json::array({id}));
  EXPECT_EQ(source(id)["linkedJobStatus"], "PENDING");
  sb_->advance_clock(2 * kStep);
  EXPECT_EQ(source(id)["linkedJobStatus"], "COMPLETED");

  auto zd = get("/v2/documents/public/resources/zendesk");
  ASSERT_EQ(zd.status, 200);
  ASSERT_EQ(zd.body.size(), 2u);
  EXPECT_EQ(zd.body[0]["type"], "category");
  EXPECT_EQ(zd.body[0]["children"][0]["children"].size(), 1u);  // zd-2001 imported, zd-2003 left
  auto cf = get("/v2/documents/public/resources/confluence");
  ASSERT_EQ(cf.body[0]["pages"].size(), 1u);
  EXPECT_EQ(cf.body[0]["pages"][0]["externalId"], "cf-3003");
}

TEST_F(WorkflowTest, RefreshLoopFlagsChangedThenBulkGenerateConsumesIt) {
  const char* doc = "ac0d0000-0000-4000-8000-000000000007";
  EXPECT_EQ(source(doc)["changed"], false);
  ASSERT_EQ(post("/v2/documents/public/refresh", {{"documentIds", {doc}}}).status, 200);
  EXPECT_EQ(source(doc)["linkedJobStatus"], "PENDING");
  sb_->advance_clock(2 * kStep);
  json d = source(doc);
  EXPECT_EQ(d["linkedJobStatus"], "COMPLETED");
  EXPECT_EQ(d["changed"], true);
  EXPECT_NE(d["oldParagraphs"], d["paragraphs"]);
  bool listed = false;
  for (const auto& x : json(get("/v2/documents/public?changed=true&source=zendesk").body["documents"]))
    listed |= x["id"] == doc;
  EXPECT_TRUE(listed) << get("/v2/documents/public?changed=true&source=zendesk").raw;
  auto bulk = post("/v2/knowledge/public/bulk", {{"documentIds", {doc, kFailedDoc}}, {"origin", "sources"}});
  ASSERT_EQ(bulk.body["jobs"].size(), 2u);
  EXPECT_EQ(source(doc)["changed"], false);
  sb_->advance_clock(2 * kStep);
  EXPECT_EQ(job(bulk.body["jobs"][0]["backgroundJobId"])["jobStatus"], "COMPLETED");
  EXPECT_EQ(job(bulk.body["jobs"][1]["backgroundJobId"])["jobStatus"], "FAILED");  // failed ingestion: nothing to read
}

TEST_F(WorkflowTest, GenerateAnswerGroundsRepliesAndContinuesConversations) {
  auto first = post("/v2/hc-interactions/events/public",
                    {{"content", "How do I reset my password?"},
                     {"botId", kSupportBot},
                     {"metadata", {{"channel", "email"}, {"user_attributes", {{"email", "a@b.c"}}}}}});
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(first.body.size(), 2u);
  EXPECT_EQ(first.body[0]["role"], "user");
  EXPECT_EQ(first.body[1]["role"], "finibot");
  EXPECT_EQ(first.body[1]["usedArticles"][0]["title"], "Reset your password");
  EXPECT_EQ(first.body[1]["message"], "Click Forgot password on the sign-in page and enter your email.");
  // The new conversation is discoverable through the list (newest first).
  auto list = get("/v2/hc-interactions/public?limit=1");
  json conv = list.body["interactions"][0];
  EXPECT_EQ(conv["events"].size(), 2u);
  EXPECT_EQ(conv["channel"], "email");
  EXPECT_EQ(conv["userAttributes"]["email"], "a@b.c");
  std::string cid = conv["id"];
  // Non-user roles are stored and echoed without a reply.
  auto agent = post("/v2/hc-interactions/events/public",
                    {{"content", "Following up by email."}, {"role", "agent"}, {"interactionId", cid}});
  ASSERT_EQ(agent.body.size(), 1u);
  auto more = post("/v2/hc-interactions/events/public", {{"content", "zzz qqq"}, {"interactionId", cid}});
  ASSERT_EQ(more.body.size(), 2u);
  EXPECT_EQ(more.body[1]["message"], "I'm not sure about that yet. Let me connect you with a human agent.");
  json after = get("/v2/hc-interactions/" + cid + "/public").body;
  EXPECT_EQ(after["events"].size(), 5u);
  EXPECT_EQ(after["status"], "Escalated to Human Agent");
  // Drafts never ground answers; globex articles are invisible to acme.
  auto doomsday = post("/v2/hc-interactions/events/public",
                       {{"content", "What is project doomsday?"}, {"botId", kGlobexBot}}, kGlobexRw);
  EXPECT_TRUE(doomsday.body[1]["usedArticles"].empty());
}

TEST_F(WorkflowTest, TreeInitializeAndPersistRoundTrip) {
  auto init = post("/v2/knowledge/public/tree/initialize", {{"initPrompt", "Loyalty program"}});
  ASSERT_EQ(init.status, 200);
  EXPECT_EQ(init.headers.find("Content-Type")->second, "text/csv; charset=utf-8");
  EXPECT_EQ(init.headers.find("Content-Disposition")->second, "attachment; filename=\"knowledge-tree.csv\"");
  EXPECT_NE(init.raw.find(",Suggested: Loyalty program,"), std::string::npos);
  EXPECT_NE(init.raw.find("Orders & Shipping > Shipping,,ac0b0000-0000-4000-8000-000000000001,Track your order"),
            std::string::npos);
  // Edit: move "Track your order" under a new folder, and move Invoices to the top level.
  std::string csv = init.raw;
  csv += std::string(",Orders & Shipping > Tracking,,") + kTrackArticle + ",Track your order\n";
  csv += "ac0f0000-0000-4000-8000-000000000005,Invoices,,,\n";
  httplib::Client cli("127.0.0.1", sb_->port());
  httplib::MultipartFormDataItems items = {{"file", csv, "tree.csv", "text/csv"}};
  auto r = to_resp(
      cli.Post("/v2/knowledge/public/tree/persist", {{"Authorization", std::string("Bearer ") + kAcmeRw}}, items));
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["message"],
            "Knowledge tree persisted: 2 folders created, 1 moved, 0 renamed, 1 articles moved, 0 rows skipped");
  auto snap = get("/v2/hc-folders/public");
  std::set<std::string> top;
  for (const auto& f : snap.body["snapshotObjV2"]) top.insert(f["title"]);
  EXPECT_TRUE(top.count("Invoices"));
  EXPECT_TRUE(top.count("Suggested: Loyalty program"));
  auto art = post("/v2/hc-articles/ids/public", {{"articleIds", {kTrackArticle}}}).body[0];
  EXPECT_NE(art["parentFolderId"], kShippingFolder);
  // Not CSV at all: persisting fails (500, per the reference).
  httplib::MultipartFormDataItems bad = {{"file", "\"unterminated", "x.csv", "text/csv"}};
  EXPECT_TRUE(is_envelope(to_resp(cli.Post("/v2/knowledge/public/tree/persist",
                                           {{"Authorization", std::string("Bearer ") + kAcmeRw}}, bad)),
                          500, "Failed to persist knowledge tree: the file is not valid CSV"));
}

TEST_F(WorkflowTest, FolderSnapshotFiltersByAgentAndJunctionsChangeIt) {
  auto billing = get(std::string("/v2/hc-folders/public?botId=") + kBillingBot);
  ASSERT_EQ(billing.body["snapshotObjV2"].size(), 1u);
  EXPECT_EQ(billing.body["snapshotObjV2"][0]["title"], "Billing");
  EXPECT_EQ(billing.body["snapshotObjV2"][0]["children"][0]["title"], "Invoices");
  ASSERT_EQ(post("/v2/hc-bot-folder-junctions/public",
                 {{"junctions",
                   {{{"folderId", kShippingFolder}, {"botId", kBillingBot}, {"action", "ADD"}},
                    {{"folderId", kBillingFolder}, {"botId", kBillingBot}, {"action", "DELETE"}}}}})
                .status,
            200);
  billing = get(std::string("/v2/hc-folders/public?botId=") + kBillingBot);
  ASSERT_EQ(billing.body["snapshotObjV2"].size(), 1u);
  EXPECT_EQ(billing.body["snapshotObjV2"][0]["title"], "Shipping");
  EXPECT_EQ(billing.body["updatedAt"], "2026-01-01T00:00:00.000Z");
  // Deleting a folder lifts its contents to the parent.
  ASSERT_EQ(del(std::string("/v2/hc-folders/") + kShippingFolder + "/public").status, 200);
  EXPECT_EQ(post("/v2/hc-articles/ids/public", {{"articleIds", {kTrackArticle}}}).body[0]["parentFolderId"],
            kOrdersFolder);
}

TEST_F(WorkflowTest, DraftForkPublishUpdatesTheOriginal) {
  json body = {{"title", "Return policy"}, {"mainKnowledge", "Returns within 60 days."},
               {"agentInstruction", ""},   {"questions", {"Can I return?"}},
               {"keywords", {"return"}},   {"escalation", false}};
  auto pub = post(std::string("/v2/hc-articles/") + kReturnDraft + "/publish/public", body);
  ASSERT_EQ(pub.status, 200);
  EXPECT_EQ(pub.body["id"], kReturnArticle);
  EXPECT_EQ(pub.body["version"], 2);
  EXPECT_EQ(pub.body["mainKnowledge"], "Returns within 60 days.");
  auto draft = post("/v2/hc-articles/ids/public", {{"articleIds", {kReturnDraft}}}).body[0];
  EXPECT_EQ(draft["isDraftPublished"], true);
  EXPECT_TRUE(is_envelope(post(std::string("/v2/hc-articles/") + kReturnDraft + "/publish/public", body),
                          404));  // already published
  // A standalone draft becomes live itself.
  auto gift = post(std::string("/v2/hc-articles/") + kGiftDraft + "/publish/public", body);
  EXPECT_EQ(gift.body["id"], kGiftDraft);
  EXPECT_EQ(gift.body["isDraft"], false);
}

TEST_F(WorkflowTest, RulesDuplicatePublishRefineAndList) {
  auto dup_intent = post(std::string("/v2/hc-rules/") + kIntentRule + "/duplicate/public", {{"name", "Copy"}});
  EXPECT_EQ(dup_intent.body["isDraft"], true);
  EXPECT_EQ(dup_intent.body["botIds"], json::array());
  auto dup_business = post(std::string("/v2/hc-rules/") + kBusinessRule + "/duplicate/public", json::object());
  EXPECT_EQ(dup_business.body["isDraft"], false);
  EXPECT_EQ(dup_business.body["name"], "VIP escalation (copy)");
  auto intents = get("/v2/hc-rules/public");
  for (const auto& r : intents.body) {
    EXPECT_EQ(r["type"], "intent");
    EXPECT_EQ(r["isDraft"], false);
    EXPECT_FALSE(r.contains("flowConfig"));
  }
  auto drafts = get("/v2/hc-rules/public?isDraft=true");
  EXPECT_EQ(drafts.body.size(), 3u);
  auto business = get("/v2/hc-rules/public?type=business");
  EXPECT_EQ(business.body.size(), 3u);
  auto refined = post(std::string("/v2/hc-rules/") + kDraftRule + "/refine/public",
                      {{"refinementInstructions", "Ask for the new postcode."}});
  EXPECT_EQ(refined.body["flowConfig"]["children"].back()["text"], "Ask for the new postcode.");
  auto published = post(std::string("/v2/hc-rules/") + kDraftRule + "/publish/public", {{"botIds", {kSupportBot}}});
  EXPECT_EQ(published.body["botIds"], json::array({kSupportBot}));
  EXPECT_TRUE(is_envelope(
      post(std::string("/v2/hc-rules/") + kDraftRule + "/refine/public", {{"refinementInstructions", "x"}}), 404));
}

TEST_F(WorkflowTest, PromptsMergeWithTemplateAndVersion) {
  auto cur = get(std::string("/v2/bots/") + kSupportBot + "/hc-prompt/public");
  EXPECT_EQ(cur.body["id"], "ac050000-0000-4000-8000-000000000002");
  EXPECT_EQ(cur.body["hcGuidelinePrompt"][0]["custom"], true);
  EXPECT_EQ(cur.body["hcGuidelinePrompt"][0]["defaultPrompt"], "Be concise and friendly.");
  EXPECT_EQ(cur.body["hcGuidelinePrompt"][1]["custom"], false);
  const char* presales = "ac0a0000-0000-4000-8000-000000000003";
  auto tmpl = get(std::string("/v2/bots/") + presales + "/hc-prompt/public");
  EXPECT_EQ(tmpl.body["botId"], presales);
  EXPECT_EQ(get(std::string("/v2/bots/") + presales + "/hc-prompt/history/public").body, json::array());
  json v = {{"hcPlanningPrompt", {{{"key", "planning_core"}, {"title", "Planning"}, {"content", "Sell politely."}}}},
            {"hcGuidelinePrompt", json::array()},
            {"hcChannelPrompt", json::array()}};
  auto saved = post(std::string("/v2/bots/") + presales + "/hc-prompt", v);
  EXPECT_FALSE(saved.body["hcPlanningPrompt"][0].contains("custom"));  // stored row, not the merged view
  auto hist = get(std::string("/v2/bots/") + presales + "/hc-prompt/history/public");
  ASSERT_EQ(hist.body.size(), 1u);
  EXPECT_EQ(hist.body[0]["hcPlanningPrompt"][0]["custom"], true);
}

TEST_F(WorkflowTest, TagsAndGroupsNewestFirstAndManagedReadOnly) {
  auto groups = get("/v2/tag-groups/public");
  ASSERT_EQ(groups.body.size(), 4u);
  EXPECT_EQ(groups.body[0]["title"], "Customer Tier");
  EXPECT_TRUE(groups.body[3]["companyId"].is_null());
  auto t1 = post(std::string("/v2/tag-groups/") + kOrderIntentGroup + "/tags/public", {{"tagName", "Exchange"}});
  auto tags = get(std::string("/v2/tag-groups/") + kOrderIntentGroup + "/tags/public");
  EXPECT_EQ(tags.body[0]["id"], t1.body["id"]);
  EXPECT_EQ(get(std::string("/v2/tags/") + kManagedTag + "/public").body["tagName"], "Positive");
  auto across =
      get(std::string("/v2/tag-groups/tags/public?tagGroupIds=") + kManagedGroup + "&tagGroupIds=" + kOrderIntentGroup);
  EXPECT_EQ(across.body.size(), 7u);
  EXPECT_EQ(across.body[0]["tagName"], "Exchange");
}

}  // namespace
}  // namespace fini::sim::testing
