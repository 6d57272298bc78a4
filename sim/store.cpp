#include "sim/store.hpp"

#include <algorithm>

#include "sim/util.hpp"

namespace fini::sim {

bool Workspace::provider_connected(const std::string& provider) const {
  return std::find(connected_providers.begin(), connected_providers.end(), provider) != connected_providers.end();
}

std::string str_or(const json& obj, const char* key, const std::string& fallback) {
  if (!obj.is_object()) return fallback;
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : fallback;
}

json public_view(const json& entity) {
  if (!entity.is_object()) return entity;
  json out = json::object();
  for (auto it = entity.begin(); it != entity.end(); ++it) {
    if (!it.key().empty() && it.key()[0] == '_') continue;
    out[it.key()] = it.value();
  }
  return out;
}

JobPhase job_phase(int64_t started_ms, int64_t now_ms, int64_t step_ms) {
  int64_t elapsed = now_ms - started_ms;
  if (step_ms <= 0) return JobPhase::kDone;
  if (elapsed < step_ms) return JobPhase::kPending;
  if (elapsed < 2 * step_ms) return JobPhase::kInProgress;
  return JobPhase::kDone;
}

bool article_visible(const json& article, int64_t now_ms) {
  auto it = article.find("_availableAtMs");
  return it == article.end() || !it->is_number_integer() || now_ms >= it->get<int64_t>();
}

json render_document(const json& doc, int64_t now_ms, int64_t step_ms) {
  json out = public_view(doc);
  auto start = doc.find("_jobStartMs");
  if (start == doc.end() || !start->is_number_integer()) {
    // Registered but never ingested: no job yet.
    out["linkedJobStatus"] = nullptr;
    out["success"] = false;
    out["error"] = "";
    out["paragraphs"] = doc.value("_prevParagraphs", json::array());
    return out;
  }
  JobPhase phase = job_phase(start->get<int64_t>(), now_ms, step_ms);
  bool fail = doc.value("_jobFail", false);
  switch (phase) {
    case JobPhase::kPending:
    case JobPhase::kInProgress:
      out["linkedJobStatus"] = phase == JobPhase::kPending ? "PENDING" : "IN_PROGRESS";
      out["success"] = false;
      out["error"] = "";
      out["paragraphs"] = doc.value("_prevParagraphs", json::array());
      break;
    case JobPhase::kDone:
      out["linkedJobStatus"] = fail ? "FAILED" : "COMPLETED";
      out["success"] = !fail;
      out["error"] = fail ? doc.value("_jobError", std::string("ingestion failed")) : std::string();
      out["paragraphs"] =
          fail ? doc.value("_prevParagraphs", json::array()) : doc.value("_newParagraphs", json::array());
      if (!fail && doc.value("_changedOnComplete", false)) out["changed"] = true;
      break;
  }
  return out;
}

json render_knowledge_job(const json& job, int64_t now_ms, int64_t step_ms) {
  int64_t created = job.value("_createdMs", int64_t{0});
  JobPhase phase = job_phase(created, now_ms, step_ms);
  json out = {{"id", str_or(job, "id")}, {"createdAt", iso_from_ms(created)}, {"hcArticleId", nullptr}};
  if (phase == JobPhase::kPending) {
    out["jobStatus"] = "PENDING";
    return out;
  }
  int64_t step = std::max<int64_t>(step_ms, 0);
  out["startedAt"] = iso_from_ms(created + step);
  if (phase == JobPhase::kInProgress) {
    out["jobStatus"] = "IN_PROGRESS";
    return out;
  }
  bool fail = job.value("_fail", false);
  out["jobStatus"] = fail ? "FAILED" : "COMPLETED";
  out["completedAt"] = iso_from_ms(created + 2 * step);
  if (!fail) out["hcArticleId"] = job.value("_articleId", json(nullptr));
  if (fail) out["error"] = job.value("_error", std::string("generation failed"));
  return out;
}

namespace {
json map_to_json(const std::map<std::string, json>& m) {
  json arr = json::array();
  for (const auto& [id, v] : m) arr.push_back(v);
  return arr;
}

Status map_from_json(const json& j, const char* key, std::map<std::string, json>* out) {
  auto it = j.find(key);
  if (it == j.end()) return {};
  if (!it->is_array()) return invalid_argument(std::string("state: ") + key + " must be an array");
  for (const auto& v : *it) {
    if (!v.is_object() || !v.contains("id") || !v["id"].is_string()) {
      return invalid_argument(std::string("state: every entry of ") + key + " needs a string id");
    }
    (*out)[v["id"].get<std::string>()] = v;
  }
  return {};
}
}  // namespace

json State::to_json() const {
  json out = {{"version", 1}, {"workspaces", json::object()}};
  for (const auto& [slug, ws] : workspaces) {
    json w;
    w["name"] = ws.name;
    w["companyId"] = ws.company_id;
    w["connectedProviders"] = ws.connected_providers;
    w["providerResources"] = ws.provider_resources;
    w["defaultFolderId"] = ws.default_folder_id;
    w["agents"] = map_to_json(ws.agents);
    w["conversations"] = map_to_json(ws.conversations);
    w["documents"] = map_to_json(ws.documents);
    w["articles"] = map_to_json(ws.articles);
    w["folders"] = map_to_json(ws.folders);
    w["rules"] = map_to_json(ws.rules);
    w["tagGroups"] = map_to_json(ws.tag_groups);
    w["tags"] = map_to_json(ws.tags);
    w["knowledgeJobs"] = map_to_json(ws.knowledge_jobs);
    w["promptVersions"] = ws.prompt_versions;
    w["promptTemplate"] = ws.prompt_template;
    w["snapshot"] = {
        {"id", ws.snapshot_id}, {"createdAt", ws.snapshot_created_at}, {"updatedAt", ws.snapshot_updated_at}};
    out["workspaces"][slug] = std::move(w);
  }
  return out;
}

Result<State> State::from_json(const json& j) {
  if (!j.is_object() || j.value("version", 0) != 1 || !j.contains("workspaces") || !j["workspaces"].is_object()) {
    return invalid_argument("state: not a version-1 sandbox state file");
  }
  State st;
  for (auto it = j["workspaces"].begin(); it != j["workspaces"].end(); ++it) {
    const json& w = it.value();
    if (!w.is_object()) return invalid_argument("state: workspace " + it.key() + " is not an object");
    Workspace ws;
    ws.slug = it.key();
    ws.name = w.value("name", it.key());
    ws.company_id = str_or(w, "companyId");
    ws.default_folder_id = str_or(w, "defaultFolderId");
    if (w.contains("connectedProviders") && w["connectedProviders"].is_array()) {
      for (const auto& p : w["connectedProviders"]) {
        if (p.is_string()) ws.connected_providers.push_back(p.get<std::string>());
      }
    }
    ws.provider_resources = w.value("providerResources", json::object());
    for (auto [key, target] : std::initializer_list<std::pair<const char*, std::map<std::string, json>*>>{
             {"agents", &ws.agents},
             {"conversations", &ws.conversations},
             {"documents", &ws.documents},
             {"articles", &ws.articles},
             {"folders", &ws.folders},
             {"rules", &ws.rules},
             {"tagGroups", &ws.tag_groups},
             {"tags", &ws.tags},
             {"knowledgeJobs", &ws.knowledge_jobs}}) {
      Status s = map_from_json(w, key, target);
      if (!s.ok()) return s;
    }
    if (w.contains("promptVersions") && w["promptVersions"].is_object()) {
      for (auto pv = w["promptVersions"].begin(); pv != w["promptVersions"].end(); ++pv) {
        if (!pv.value().is_array()) continue;
        for (const auto& v : pv.value()) ws.prompt_versions[pv.key()].push_back(v);
      }
    }
    ws.prompt_template = w.value("promptTemplate", json::object());
    json snap = w.value("snapshot", json::object());
    ws.snapshot_id = str_or(snap, "id");
    ws.snapshot_created_at = str_or(snap, "createdAt");
    ws.snapshot_updated_at = str_or(snap, "updatedAt");
    st.workspaces[ws.slug] = std::move(ws);
  }
  return st;
}

json event_record(std::string id, int64_t at_ms, const std::string& role, const std::string& message,
                  json used_articles) {
  return {{"id", std::move(id)},
          {"createdAt", at_ms},
          {"role", role},
          {"type", "message"},
          {"message", message},
          {"externalId", nullptr},
          {"externalCreatedAt", nullptr},
          {"csatRating", nullptr},
          {"feedback", nullptr},
          {"approved", nullptr},
          {"resolved", nullptr},
          {"attachments", json::array()},
          {"tags", json::array()},
          {"usedArticles", std::move(used_articles)}};
}

}  // namespace fini::sim
