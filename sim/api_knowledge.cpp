// Knowledge generation: single and bulk jobs plus job polling. Jobs are records with a creation
// time; their status follows the job clock lazily (see store.hpp). The article a job produces is
// created up front but stays invisible until the job completes.
#include <algorithm>
#include <set>

#include "sim/api.hpp"
#include "sim/util.hpp"

namespace fini::sim {

namespace {

const std::vector<std::string> kOps = {"ADD_ARTICLE_TO_FOLDER", "UPDATE_ARTICLE", "DO_NOTHING"};

struct JobInput {
  std::string candidate;
  std::string origin;
  std::optional<std::string> document_id;
  std::vector<std::string> restricted_ops;
  std::string instructions;
  std::optional<std::string> bot_id;
  bool is_draft = true;
};

bool allowed(const JobInput& in, const std::string& op) {
  return in.restricted_ops.empty() ||
         std::find(in.restricted_ops.begin(), in.restricted_ops.end(), op) != in.restricted_ops.end();
}

std::string derive_title(const std::string& text) {
  std::string t = trim(text.substr(0, text.find_first_of(".\n")));
  if (t.size() > 80) t = trim(t.substr(0, 77)) + "...";
  return t.empty() ? std::string("Generated article") : t;
}

// Creates the job and (unless the pipeline does nothing or fails) the hidden article it yields.
json enqueue_job(Env& env, Workspace& ws, const JobInput& in, bool fail, const std::string& fail_reason) {
  std::string job_id = random_uuid();
  int64_t done_at = env.now_ms + 2 * std::max<int64_t>(env.job_step_ms, 0);
  json job = {{"id", job_id},         {"_createdMs", env.now_ms}, {"_fail", fail},
              {"_origin", in.origin}, {"_articleId", nullptr},    {"_operation", "DO_NOTHING"}};
  if (fail) job["_error"] = fail_reason;
  const json* linked = nullptr;
  json* doc = nullptr;
  if (in.document_id) {
    doc = &ws.documents[*in.document_id];
    auto art = ws.articles.find(str_or(*doc, "linkedKnowledgeId"));
    if (art != ws.articles.end() && !art->second.value("isDraft", false)) linked = &art->second;
  }
  std::string op;
  if (!fail) {
    if (linked && in.is_draft && allowed(in, "UPDATE_ARTICLE")) {
      op = "UPDATE_ARTICLE";
    } else if (allowed(in, "ADD_ARTICLE_TO_FOLDER")) {
      op = "ADD_ARTICLE_TO_FOLDER";
    } else if (linked && allowed(in, "UPDATE_ARTICLE")) {
      op = "UPDATE_ARTICLE";
    } else {
      op = "DO_NOTHING";
    }
  }
  if (!fail && op != "DO_NOTHING") {
    std::string article_id = random_uuid();
    std::string title = linked ? str_or(*linked, "title") : derive_title(in.candidate);
    std::vector<std::string> kws;
    for (auto& w : keywords_of(in.candidate)) {
      if (std::find(kws.begin(), kws.end(), w) == kws.end()) kws.push_back(w);
      if (kws.size() == 5) break;
    }
    if (kws.empty()) kws.push_back("general");
    std::string folder = linked ? str_or(*linked, "parentFolderId", ws.default_folder_id) : ws.default_folder_id;
    bool update = op == "UPDATE_ARTICLE";
    json a = {{"id", article_id},
              {"title", title},
              {"mainKnowledge", in.candidate},
              {"agentInstruction", in.instructions},
              {"questions", json::array({"What should I know about " + to_lower(title) + "?"})},
              {"keywords", kws},
              {"escalation", false},
              {"parentFolderId", folder},
              {"isDraft", update || in.is_draft},
              {"active", true},
              {"public", true},
              {"origin", in.origin},
              {"originalArticleId", update ? json(str_or(*linked, "id")) : json(nullptr)},
              {"originalArticleVersion", update ? json(linked->value("version", 1)) : json(nullptr)},
              {"isDraftPublished", (update || in.is_draft) ? json(false) : json(nullptr)},
              {"version", 1},
              {"createdAt", iso_from_ms(done_at)},
              {"updatedAt", iso_from_ms(done_at)},
              {"_availableAtMs", done_at}};
    if (in.bot_id) a["botId"] = *in.bot_id;
    ws.articles[article_id] = std::move(a);
    job["_articleId"] = article_id;
  }
  job["_operation"] = fail ? "DO_NOTHING" : op;
  if (doc) {
    (*doc)["linkedKnowledgeId"] = job["_articleId"].is_null() ? (*doc)["linkedKnowledgeId"] : job["_articleId"];
    (*doc)["linkedOperation"] = job["_operation"];
    // Generating from a source consumes its "changed" flag (the refresh workflow's last step).
    (*doc)["changed"] = false;
    (*doc)["_changedOnComplete"] = false;
  }
  ws.knowledge_jobs[job_id] = job;
  return job;
}

bool read_common(Fields& f, JobInput& in, Workspace& ws) {
  for (const auto& op : f.str_array("restrictedOps", false)) {
    f.one_of("restrictedOps", op, kOps);
    in.restricted_ops.push_back(op);
  }
  in.instructions = f.opt_str("instructions").value_or("");
  in.bot_id = f.opt_str("botId");
  in.is_draft = f.boolean("isDraft", false, true);
  if (!f.failed() && in.bot_id && !ws.agents.count(*in.bot_id)) {
    f.fail("botId does not match an agent in this workspace");
  }
  return !f.failed();
}

Reply generate_knowledge(Env& env, const Call& call) {
  Workspace& ws = workspace_of(env, call);
  Fields f(call.body);
  JobInput in;
  in.candidate = f.str("candidateKnowledge", true, true);
  in.origin = f.str("origin", true);
  if (!f.failed()) f.one_of("origin", in.origin, {"sources", "generated", "inbox"});
  auto document_id = f.opt_str("documentId");
  auto event_id = f.opt_str("hcEventId");
  if (!read_common(f, in, ws)) return f.reply();
  if (in.origin == "sources") {
    if (!document_id) return error(400, "documentId is required when origin is sources");
    if (!ws.documents.count(*document_id)) return error(400, "documentId does not match a source in this workspace");
    in.document_id = document_id;
  }
  if (in.origin == "inbox") {
    if (!event_id) return error(400, "hcEventId is required when origin is inbox");
    bool found = false;
    for (const auto& [id, c] : ws.conversations) {
      for (const auto& e : c.value("events", json::array())) found = found || str_or(e, "id") == *event_id;
      if (found) break;
    }
    if (!found) return error(400, "hcEventId does not match an event in this workspace");
  }
  json job = enqueue_job(env, ws, in, false, "");
  return ok({{"backgroundJobId", job["id"]}});
}

Reply bulk_generate_knowledge(Env& env, const Call& call) {
  Workspace& ws = workspace_of(env, call);
  Fields f(call.body);
  auto ids = f.str_array("documentIds", true, true);
  std::string origin = f.str("origin", true);
  if (!f.failed()) f.one_of("origin", origin, {"sources"});
  JobInput in;
  in.origin = "sources";
  if (!read_common(f, in, ws)) return f.reply();
  for (const auto& id : ids) {
    if (!ws.documents.count(id)) return error(400, "documentIds contains an unknown source: " + id);
  }
  json jobs = json::array();
  for (const auto& id : ids) {
    json doc = render_document(ws.documents[id], env.now_ms, env.job_step_ms);
    JobInput one = in;
    one.document_id = id;
    std::string text;
    for (const auto& p : doc.value("paragraphs", json::array())) {
      if (p.is_string()) text += (text.empty() ? "" : "\n") + p.get<std::string>();
    }
    one.candidate = text;
    // A source whose ingestion has not completed has nothing to read: the job fails.
    bool fail = doc.value("linkedJobStatus", json()) != "COMPLETED" || text.empty();
    json job = enqueue_job(env, ws, one, fail, "source " + id + " has no processed content");
    jobs.push_back({{"documentId", id}, {"backgroundJobId", job["id"]}});
  }
  return ok({{"jobs", jobs}});
}

Reply check_knowledge_jobs(Env& env, const Call& call) {
  Workspace& ws = workspace_of(env, call);
  Fields f(call.body);
  auto ids = f.str_array("jobIds", true, true);
  if (f.failed()) return f.reply();
  json jobs = json::array();
  for (const auto& id : ids) {
    auto it = ws.knowledge_jobs.find(id);
    // Status code not documented; the sandbox answers 404 for unknown and other-workspace ids alike.
    if (it == ws.knowledge_jobs.end()) return error(404, "Knowledge job not found: " + id);
    jobs.push_back(render_knowledge_job(it->second, env.now_ms, env.job_step_ms));
  }
  return ok({{"jobs", jobs}});
}

}  // namespace

void register_knowledge_handlers(HandlerMap& m) {
  m["generateKnowledge"] = generate_knowledge;
  m["bulkGenerateKnowledge"] = bulk_generate_knowledge;
  m["checkKnowledgeJobs"] = check_knowledge_jobs;
}

}  // namespace fini::sim
