#pragma once
// In-memory state of the sandbox: workspaces and their entities, kept as JSON objects in the wire
// shape plus private fields whose names start with '_' (stripped by public_view). Job progress is
// derived lazily from timestamps, so no background threads exist.
// Thread-safety: none here; the Sandbox guards a State with one std::shared_mutex.
// Never throws on the request path (from_json reports errors as Status).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.hpp"

namespace fini::sim {

using json = nlohmann::json;

struct ApiKey {
  std::string key;
  std::string workspace;
  bool read = false;
  bool write = false;
  bool revoked = false;
};

struct Workspace {
  std::string slug;        // "acme"
  std::string name;        // "Acme Inc"
  std::string company_id;  // companyId on custom tag groups
  std::vector<std::string> connected_providers;
  json provider_resources = json::object();  // provider -> discovery payload (full catalogue)
  std::string default_folder_id;             // where generated knowledge lands
  std::map<std::string, json> agents, conversations, documents, articles, folders, rules, tag_groups, tags,
      knowledge_jobs;
  std::map<std::string, std::vector<json>> prompt_versions;  // botId -> versions, oldest first
  json prompt_template = json::object();
  std::string snapshot_id;
  std::string snapshot_created_at;
  std::string snapshot_updated_at;

  bool provider_connected(const std::string& provider) const;
};

struct State {
  std::map<std::string, Workspace> workspaces;

  json to_json() const;
  static Result<State> from_json(const json& j);
};

// obj[key] when it is a string, else fallback (json::value throws on a stored null).
std::string str_or(const json& obj, const char* key, const std::string& fallback = "");

// Drops private ('_'-prefixed) keys, recursively for objects.
json public_view(const json& entity);

// Job clock: PENDING for one step, IN_PROGRESS for the next, then final.
enum class JobPhase { kPending, kInProgress, kDone };
JobPhase job_phase(int64_t started_ms, int64_t now_ms, int64_t step_ms);

// Articles created by knowledge jobs exist from the start but stay hidden until the job completes.
bool article_visible(const json& article, int64_t now_ms);

// Wire views that depend on the clock.
json render_document(const json& doc, int64_t now_ms, int64_t step_ms);
json render_knowledge_job(const json& job, int64_t now_ms, int64_t step_ms);

// One conversation event as Fini shows it (seeded fixtures and events created at run time alike).
json event_record(std::string id, int64_t at_ms, const std::string& role, const std::string& message,
                  json used_articles);

}  // namespace fini::sim
