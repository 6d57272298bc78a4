// Documented 400 rules and controller quirks, asserted with exact envelopes; bad input never crashes.
#include "sim_test_util.hpp"

namespace fini::sim::testing {
namespace {

class ValidationTest : public SandboxTest {};

TEST_F(ValidationTest, ConversationWindowAndLimitRules) {
  const std::string base = "/v2/hc-interactions/public";
  EXPECT_TRUE(is_envelope(get(base + "?since=" + std::to_string(kNow - kDay) + "&until=" + std::to_string(kNow - kDay)),
                          400, "since must be less than until"));
  EXPECT_TRUE(is_envelope(get(base + "?since=" + std::to_string(kNow) + "&until=" + std::to_string(kNow - 1)), 400,
                          "since must be less than until"));
  EXPECT_TRUE(is_envelope(get(base + "?since=" + std::to_string(kNow - 91 * kDay)), 400,
                          "time window must not exceed 90 days (since/until)"));
  EXPECT_EQ(get(base + "?since=" + std::to_string(kNow - 90 * kDay) + "&until=" + std::to_string(kNow)).status, 200);
  EXPECT_TRUE(is_envelope(get(base + "?limit=0"), 400, "limit must be between 1 and 100"));
  EXPECT_TRUE(is_envelope(get(base + "?limit=101"), 400, "limit must be between 1 and 100"));
  EXPECT_TRUE(is_envelope(get(base + "?limit=ten"), 400, "limit must be an integer"));
  EXPECT_TRUE(is_envelope(get(base + "?since=yesterday"), 400, "since must be an integer (Unix epoch milliseconds)"));
  EXPECT_TRUE(is_envelope(get(base + "?until=99999999999999999999"), 400,
                          "until must be an integer (Unix epoch milliseconds)"));
  EXPECT_TRUE(
      is_envelope(get(base + "?direction=up"), 400, "direction must be one of the following values: next, previous"));
  EXPECT_TRUE(is_envelope(get(base + "?agentId=bot-1"), 400, "agentId must be a UUID"));
  EXPECT_TRUE(is_envelope(get(base + "?cursor=abc"), 400, "cursor must be a UUID"));
  EXPECT_TRUE(is_envelope(get(base + "?cursor=00000000-0000-4000-8000-000000000000"), 400,
                          "cursor does not match a conversation"));
}

TEST_F(ValidationTest, BulkDeleteRules) {
  const std::string p = "/v2/hc-interactions/public";
  EXPECT_TRUE(is_envelope(del_body(p, json::object()), 400, "ids is required"));
  EXPECT_TRUE(is_envelope(del_body(p, {{"ids", json::array()}}), 400, "ids should not be empty"));
  EXPECT_TRUE(is_envelope(del_body(p, {{"ids", "x"}}), 400, "ids must be an array"));
  EXPECT_TRUE(is_envelope(del_body(p, {{"ids", {1}}}), 400, "each value in ids must be a string"));
  EXPECT_TRUE(is_envelope(del_body(p, {{"ids", {"not-a-uuid"}}}), 400, "each value in ids must be a UUID"));
  std::string u = "00000000-0000-4000-8000-000000000001";
  EXPECT_TRUE(is_envelope(del_body(p, {{"ids", {u, u}}}), 400, "ids must not contain duplicate values"));
  json many = json::array();
  for (int i = 0; i < 51; ++i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", i);
    many.push_back(buf);
  }
  EXPECT_TRUE(is_envelope(del_body(p, {{"ids", many}}), 400, "ids must contain no more than 50 elements"));
}

TEST_F(ValidationTest, BulkDeleteIsNotAtomicThen406) {
  auto list = get("/v2/hc-interactions/public?limit=2");
  std::string id = list.body["interactions"][0]["id"];
  auto r = del_body("/v2/hc-interactions/public", {{"ids", {id, "00000000-0000-4000-8000-00000000beef"}}});
  EXPECT_TRUE(is_envelope(r, 406, "1 of the requested interactions are not accessible to this API key"));
  EXPECT_TRUE(is_envelope(get("/v2/hc-interactions/" + id + "/public"), 500));  // deleted anyway
}

TEST_F(ValidationTest, GenerateAnswerRules) {
  const std::string p = "/v2/hc-interactions/events/public";
  EXPECT_TRUE(is_envelope(post(p, {{"botId", kSupportBot}}), 400, "content is required"));
  EXPECT_TRUE(is_envelope(post(p, {{"content", "  "}, {"botId", kSupportBot}}), 400, "content should not be empty"));
  EXPECT_TRUE(is_envelope(post(p, {{"content", 42}, {"botId", kSupportBot}}), 400, "content must be a string"));
  EXPECT_TRUE(is_envelope(post(p, {{"content", "hi"}}), 400, "interactionId or botId is required"));
  EXPECT_TRUE(is_envelope(post(p, {{"content", "hi"}, {"botId", kSupportBot}, {"role", "admin"}}), 400,
                          "role must be one of the following values: user, agent, finibot, otherbot"));
  EXPECT_TRUE(is_envelope(post(p, {{"content", "hi"}, {"botId", kSupportBot}, {"metadata", "x"}}), 400,
                          "metadata must be an object"));
  EXPECT_TRUE(is_envelope(post(p, {{"content", "hi"}, {"interactionId", "nope"}}), 500, "Internal Server Error"));
  EXPECT_TRUE(is_envelope(send("POST", p, "[1,2]", kAcmeRw), 400, "request body must be a JSON object"));
}

TEST_F(ValidationTest, MalformedJsonOversizedBodiesAndWrongTypes) {
  EXPECT_TRUE(is_envelope(send("POST", "/v2/hc-folders/public", "{\"title\":", kAcmeRw), 400,
                          "Malformed JSON in request body"));
  std::string big(2 * 1024 * 1024 + 10, 'x');
  EXPECT_TRUE(is_envelope(send("POST", "/v2/hc-folders/public", big, kAcmeRw), 413, "Payload Too Large"));
  // Every field of a write route with the wrong type: 400, never a crash.
  EXPECT_TRUE(
      is_envelope(post("/v2/hc-folders/public", {{"title", 1}, {"description", ""}}), 400, "title must be a string"));
  EXPECT_TRUE(is_envelope(post("/v2/hc-rules/public", {{"name", "x"}, {"description", "y"}, {"botIds", "a"}}), 400,
                          "botIds must be an array"));
  EXPECT_TRUE(is_envelope(post("/v2/tag-groups/public", {{"title", "x"}, {"multiselect", "yes"}}), 400,
                          "multiselect must be a boolean"));
  EXPECT_TRUE(is_envelope(post("/v2/documents/public/deep-crawl/links", {{"links", {"x"}}, {"limit", "5"}}), 400,
                          "limit must be an integer"));
  EXPECT_TRUE(is_envelope(
      put(std::string("/v2/hc-folders/") + kOrdersFolder + "/public", {{"title", "x"}, {"description", "d"}}), 400,
      "active is required"));
  const json bad_values[] = {nullptr, 1, "s", true, json::array({1, "a", nullptr}), json::object({{"a", 1}})};
  for (const auto& r : Sandbox::routes()) {
    if (r.method == "GET") continue;
    for (const auto& v : bad_values) {
      json body = {{"content", v},    {"ids", v},
                   {"title", v},      {"documentIds", v},
                   {"junctions", v},  {"resources", v},
                   {"articleIds", v}, {"jobIds", v},
                   {"botIds", v},     {"hcPlanningPrompt", v},
                   {"links", v},      {"name", v},
                   {"tagName", v},    {"candidateKnowledge", v},
                   {"origin", v},     {"parentFolderId", v}};
      std::string path = r.path;
      for (auto pos = path.find("{id}"); pos != std::string::npos; pos = path.find("{id}"))
        path.replace(pos, 4, kTrackArticle);
      for (auto pos = path.find("{provider}"); pos != std::string::npos; pos = path.find("{provider}"))
        path.replace(pos, 10, "zendesk");
      auto resp = send(r.method, path, body.dump(), kAcmeRw);
      EXPECT_NE(resp.status, 0) << r.path;
      EXPECT_TRUE(resp.status < 500 || resp.body.is_object()) << r.path << " " << resp.raw;
    }
  }
  // Hostile query strings on every GET route.
  for (const auto& r : Sandbox::routes()) {
    if (r.method != "GET") continue;
    std::string path = r.path;
    for (auto pos = path.find("{id}"); pos != std::string::npos; pos = path.find("{id}"))
      path.replace(pos, 4, "%00%2F..");
    for (auto pos = path.find("{provider}"); pos != std::string::npos; pos = path.find("{provider}"))
      path.replace(pos, 10, "notion");
    for (const char* q : {"?limit=99999999999999999999", "?since=-99999999999999999999&until=1", "?limit=-1&cursor=%00",
                          "?direction=&source=,,,&channel=", "?changed=1&english=TRUE", "?tagGroupIds=&type=&isDraft=x",
                          "?botId=%ff%fe&agentId=00000000-0000-4000-8000-000000000000"}) {
      auto resp = send("GET", path + q, "", kAcmeRw);
      EXPECT_NE(resp.status, 0) << path << q;
    }
  }
  EXPECT_EQ(get("/v2/bots/public").status, 200);  // still alive
  EXPECT_EQ(sb_->internal_errors(), 0u);          // and every answer came from validation, not a caught exception
}

TEST_F(ValidationTest, SourceRules) {
  EXPECT_TRUE(is_envelope(get("/v2/documents/public/not-a-uuid"), 400, "id must be a UUID"));
  EXPECT_TRUE(is_envelope(get("/v2/documents/public/00000000-0000-4000-8000-000000000000"), 404, "Source not found"));
  EXPECT_TRUE(is_envelope(get("/v2/documents/public/resources/github"), 400,
                          "Unsupported provider: github (supported: notion, zendesk, confluence)"));
  EXPECT_TRUE(is_envelope(post("/v2/documents/public/resources/notion", {{"resources", {{{"title", "x"}}}}}), 400,
                          "resources[0].originalUrl is required and must be a non-empty string"));
  EXPECT_TRUE(is_envelope(post("/v2/documents/public", {{"source", "web"}, {"documentIdsToAdd", {kWebDoc}}}), 400,
                          std::string("documentIdsToAdd: source=web expects URLs, not source IDs (got ") + kWebDoc +
                              "); send IDs with the provider's source value"));
  EXPECT_TRUE(is_envelope(
      post("/v2/documents/public", {{"source", "notion"}, {"documentIdsToAdd", {"https://notion.so/x"}}}), 400,
      "documentIdsToAdd: source=notion expects source IDs from registerProviderResources, not URLs (got "
      "https://notion.so/x)"));
  EXPECT_TRUE(is_envelope(post("/v2/documents/public", {{"source", "web"}, {"documentIdsToAdd", {"ftp://x"}}}), 400,
                          "documentIdsToAdd contains an invalid URL: ftp://x"));
  EXPECT_TRUE(is_envelope(post("/v2/documents/public", {{"source", "zendesk"}, {"documentIdsToAdd", {kNotionDoc}}}),
                          400, std::string("source ") + kNotionDoc + " is a notion source, not zendesk"));
  EXPECT_TRUE(is_envelope(post("/v2/documents/public", {{"source", "dropbox"}}), 400,
                          "source must be one of the following values: web, googledrive, notion, zendesk, confluence"));
  EXPECT_TRUE(is_envelope(post("/v2/documents/public", json::object()), 400,
                          "documentIdsToAdd or documentIdsToRefresh must contain at least one item"));
  EXPECT_TRUE(is_envelope(post("/v2/documents/public/deep-crawl/links", {{"links", json::array()}}), 400,
                          "links should not be empty"));
  EXPECT_TRUE(is_envelope(post("/v2/documents/public/deep-crawl/links", {{"links", {"notaurl"}}}), 400,
                          "links must contain only valid URLs (got notaurl)"));
  EXPECT_TRUE(is_envelope(post("/v2/documents/public/deep-crawl/links", {{"links", {"https://x.invalid/a"}}}), 500,
                          "Crawl failed for https://x.invalid/a: host unreachable"));
  EXPECT_TRUE(is_envelope(post("/v2/documents/public/refresh", {{"documentIds", json::array()}}), 400,
                          "documentIds should not be empty"));
  EXPECT_TRUE(
      is_envelope(post("/v2/documents/public/refresh", {{"documentIds", {"nope"}}}), 400, "Unknown source ID: nope"));
  EXPECT_TRUE(
      is_envelope(post("/v2/documents/public/refresh", {{"documentIds", {kFileDoc}}}), 400,
                  std::string("Raw-file sources cannot be refreshed (delete and re-upload instead): ") + kFileDoc));
  EXPECT_TRUE(
      is_envelope(del_body("/v2/documents/public", {{"documentIds", {"nope"}}}), 400, "Unknown source ID: nope"));
  EXPECT_TRUE(is_envelope(get("/v2/documents/public?limit=0"), 400, "limit must be between 1 and 100"));
  EXPECT_TRUE(is_envelope(get("/v2/documents/public?changed=maybe"), 400, "changed must be a boolean value"));
  EXPECT_TRUE(
      is_envelope(get("/v2/documents/public?source=ftp"), 400,
                  "source must be one of the following values: web, files, googledrive, zendesk, notion, confluence"));
  EXPECT_TRUE(
      is_envelope(get("/v2/documents/public?cursor=nope"), 400, "cursor does not match a source in this workspace"));
}

TEST_F(ValidationTest, KnowledgeRules) {
  EXPECT_TRUE(
      is_envelope(post("/v2/knowledge/public", {{"origin", "generated"}}), 400, "candidateKnowledge is required"));
  EXPECT_TRUE(is_envelope(post("/v2/knowledge/public", {{"candidateKnowledge", "x"}}), 400, "origin is required"));
  EXPECT_TRUE(is_envelope(post("/v2/knowledge/public", {{"candidateKnowledge", "x"}, {"origin", "mail"}}), 400,
                          "origin must be one of the following values: sources, generated, inbox"));
  EXPECT_TRUE(is_envelope(post("/v2/knowledge/public", {{"candidateKnowledge", "x"}, {"origin", "sources"}}), 400,
                          "documentId is required when origin is sources"));
  EXPECT_TRUE(is_envelope(post("/v2/knowledge/public", {{"candidateKnowledge", "x"}, {"origin", "inbox"}}), 400,
                          "hcEventId is required when origin is inbox"));
  EXPECT_TRUE(
      is_envelope(post("/v2/knowledge/public", {{"candidateKnowledge", "x"}, {"origin", "inbox"}, {"hcEventId", "e"}}),
                  400, "hcEventId does not match an event in this workspace"));
  EXPECT_TRUE(is_envelope(
      post("/v2/knowledge/public",
           {{"candidateKnowledge", "x"}, {"origin", "generated"}, {"restrictedOps", {"DELETE"}}}),
      400, "restrictedOps must be one of the following values: ADD_ARTICLE_TO_FOLDER, UPDATE_ARTICLE, DO_NOTHING"));
  EXPECT_TRUE(is_envelope(
      post("/v2/knowledge/public", {{"candidateKnowledge", "x"}, {"origin", "generated"}, {"botId", kGlobexBot}}), 400,
      "botId does not match an agent in this workspace"));
  EXPECT_TRUE(is_envelope(post("/v2/knowledge/public/bulk", {{"documentIds", {kWebDoc}}, {"origin", "generated"}}), 400,
                          "origin must be one of the following values: sources"));
  EXPECT_TRUE(is_envelope(post("/v2/knowledge/public/bulk", {{"documentIds", {"x"}}, {"origin", "sources"}}), 400,
                          "documentIds contains an unknown source: x"));
  EXPECT_TRUE(is_envelope(post("/v2/knowledge/public/jobs/status", {{"jobIds", json::array()}}), 400,
                          "jobIds should not be empty"));
  EXPECT_TRUE(is_envelope(post("/v2/knowledge/public/tree/initialize", {{"initPrompt", ""}}), 400,
                          "initPrompt should not be empty"));
  EXPECT_TRUE(is_envelope(post("/v2/knowledge/public/tree/persist", json::object()), 400,
                          "file is required (multipart/form-data field 'file')"));
}

TEST_F(ValidationTest, ArticleFolderRuleTagAndPromptRules) {
  json art = {
      {"title", "t"},      {"mainKnowledge", "m"}, {"agentInstruction", ""},           {"questions", json::array()},
      {"keywords", {"k"}}, {"escalation", false},  {"parentFolderId", kShippingFolder}};
  EXPECT_TRUE(is_envelope(post("/v2/hc-articles/public", art), 400, "questions should not be empty"));
  art["questions"] = {"q"};
  art.erase("parentFolderId");
  EXPECT_TRUE(is_envelope(post("/v2/hc-articles/public", art), 400, "parentFolderId is required"));
  EXPECT_TRUE(is_envelope(post("/v2/hc-articles/ids/public", json::object()), 400, "articleIds is required"));
  EXPECT_TRUE(is_envelope(post(std::string("/v2/hc-articles/") + kTrackArticle + "/publish/public", json::object()),
                          400, "title is required"));
  EXPECT_TRUE(is_envelope(post(std::string("/v2/hc-articles/") + kTrackArticle + "/publish/public", art), 404,
                          "Draft not found"));
  EXPECT_TRUE(
      is_envelope(put("/v2/hc-articles/00000000-0000-4000-8000-000000000000/public", art), 404, "Article not found"));
  auto nul = post("/v2/hc-articles/00000000-0000-4000-8000-000000000000/draft/public", art);
  EXPECT_EQ(nul.status, 200);
  EXPECT_EQ(nul.raw, "null");
  EXPECT_TRUE(is_envelope(post("/v2/hc-folders/public", {{"title", "x"}}), 400, "description is required"));
  EXPECT_TRUE(
      is_envelope(post("/v2/hc-folders/public", {{"title", "x"}, {"description", ""}, {"parentFolderId", "nope"}}), 404,
                  "Parent folder not found"));
  EXPECT_TRUE(is_envelope(
      put(std::string("/v2/hc-folders/") + kOrdersFolder + "/move/public", {{"parentFolderId", kShippingFolder}}), 406,
      "Tree change not allowed: a folder cannot move into itself or one of its subfolders"));
  EXPECT_TRUE(
      is_envelope(put(std::string("/v2/hc-folders/") + kShippingFolder + "/move/public", {{"parentFolderId", "nope"}}),
                  404, "Destination folder not found"));
  EXPECT_TRUE(
      is_envelope(post("/v2/hc-bot-folder-junctions/public",
                       {{"junctions", {{{"folderId", kOrdersFolder}, {"botId", kSupportBot}, {"action", "LINK"}}}}}),
                  400, "junctions[0].action must be one of the following values: ADD, DELETE"));
  // REMOVE was an earlier sandbox invention; Fini's docs name the detach value DELETE.
  EXPECT_TRUE(
      is_envelope(post("/v2/hc-bot-folder-junctions/public",
                       {{"junctions", {{{"folderId", kOrdersFolder}, {"botId", kSupportBot}, {"action", "REMOVE"}}}}}),
                  400, "junctions[0].action must be one of the following values: ADD, DELETE"));
  EXPECT_TRUE(is_envelope(get("/v2/hc-rules/public?type=flow"), 400,
                          "type must be one of the following values: intent, business"));
  EXPECT_TRUE(is_envelope(
      post("/v2/hc-rules/public", {{"name", "x"}, {"description", "d"}, {"flowConfig", {{"type", "form"}}}}), 400,
      "flowConfig references a missing widget form"));
  EXPECT_TRUE(is_envelope(post(std::string("/v2/hc-rules/") + kTemplateRule + "/duplicate/public", json::object()), 400,
                          "Template-based rules cannot be duplicated"));
  EXPECT_TRUE(
      is_envelope(post(std::string("/v2/hc-rules/") + kDraftRule + "/publish/public", {{"botIds", json::array()}}), 400,
                  "botIds should not be empty"));
  EXPECT_TRUE(
      is_envelope(post(std::string("/v2/hc-rules/") + kDraftRule + "/publish/public", {{"botIds", {kGlobexBot}}}), 400,
                  "botIds contains an agent that is not in this workspace"));
  EXPECT_TRUE(
      is_envelope(post(std::string("/v2/hc-rules/") + kIntentRule + "/publish/public", {{"botIds", {kSupportBot}}}),
                  404, "Draft rule not found"));
  EXPECT_TRUE(is_envelope(
      post(std::string("/v2/hc-rules/") + kDraftRuleNoText + "/refine/public", {{"refinementInstructions", "x"}}), 400,
      "The draft's original instructions are no longer available; create a new draft instead"));
  EXPECT_TRUE(is_envelope(put(std::string("/v2/tag-groups/") + kManagedGroup + "/public", {{"title", "x"}}), 500));
  EXPECT_TRUE(
      is_envelope(post(std::string("/v2/tag-groups/") + kManagedGroup + "/tags/public", {{"tagName", "x"}}), 500));
  EXPECT_TRUE(is_envelope(put(std::string("/v2/tag-groups/") + kManagedTag + "/tags/public", {{"tagName", "x"}}), 500));
  EXPECT_TRUE(is_envelope(del(std::string("/v2/tag-groups/") + kManagedGroup + "/public"), 500));
  EXPECT_TRUE(is_envelope(get("/v2/tag-groups/tags/public"), 400,
                          "tagGroupIds is required (repeat the parameter once per group)"));
  EXPECT_TRUE(is_envelope(
      get(std::string("/v2/tag-groups/tags/public?tagGroupIds=") + kOrderIntentGroup + "," + kManagedGroup), 400,
      "tagGroupIds must be sent as repeated parameters (?tagGroupIds=a&tagGroupIds=b); CSV is not accepted"));
  EXPECT_TRUE(is_envelope(post("/v2/tag-groups/public", json::object()), 400, "title is required"));
  EXPECT_TRUE(
      is_envelope(post(std::string("/v2/bots/") + kSupportBot + "/hc-prompt", {{"hcPlanningPrompt", json::array()}}),
                  400, "hcGuidelinePrompt is required"));
  EXPECT_TRUE(
      is_envelope(get("/v2/bots/00000000-0000-4000-8000-000000000000/hc-prompt/public"), 404, "Agent not found"));
}

}  // namespace
}  // namespace fini::sim::testing
