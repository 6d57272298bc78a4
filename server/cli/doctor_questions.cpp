#include "cli/doctor_questions.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <set>

#include "common/crypto.hpp"
#include "common/hex.hpp"

namespace fini::cli {

using nlohmann::json;

namespace {

constexpr long long kDayMs = 24LL * 3600 * 1000;
constexpr std::size_t kAgentsCompared = 4;
// A well-formed UUID no workspace has: what an agent filter on it returns tells honoured from ignored.
constexpr const char* kNoSuchAgent = "00000000-0000-4000-8000-00000000d0c7";

// The items of a list answer: a top-level array, or the array under `key`.
json items_of(const std::optional<json>& body, const std::string& key) {
  if (!body) return json::array();
  if (body->is_array()) return *body;
  if (body->is_object() && body->contains(key) && (*body)[key].is_array()) return (*body)[key];
  return json::array();
}

std::vector<std::string> ids_of(const json& items, std::size_t max = SIZE_MAX) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    if (out.size() >= max) break;
    if (item.is_object() && item.contains("id") && item["id"].is_string()) out.push_back(item["id"].get<std::string>());
  }
  return out;
}

std::string first_id(const json& items) {
  auto ids = ids_of(items, 1);
  return ids.empty() ? std::string() : ids[0];
}

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Found {
  std::vector<std::string> agents;
};

// One read that needs an id from an earlier list; without one, say why it was not checked.
void read_with_id(DoctorProbe& probe, DoctorReport& report, const std::string& tool, const std::string& arg,
                  const std::string& id, const std::string& none) {
  if (id.empty()) {
    report.not_checked.push_back(tool + ": " + none);
    return;
  }
  probe.read(tool, json{{arg, id}});
}

// The first request doubles as the key check; without a key that can read, nothing else is sent.
bool check_key(DoctorProbe& probe, DoctorReport& report, const std::string& key_source, Found& found) {
  auto agents = probe.read("list_agents", json::object());
  const RouteCheck& r = probe.last();
  if (r.status / 100 == 2) {
    report.key = "valid (from " + key_source + ")";
    report.scopes = "read (seen: read routes answer 200); write: not checked, doctor never writes";
    found.agents = ids_of(items_of(agents, ""));
    return true;
  }
  report.key_rejected = true;
  report.scopes = "unknown";
  if (r.status == 401) {
    report.key = "REJECTED by Fini (401, from " + key_source + "): replace it with `fini-mcp login`";
  } else if (r.status == 403) {
    report.key = "accepted but without the read scope (403, from " + key_source + "): doctor needs a key with read";
    report.scopes = "read: REFUSED";
  } else {
    report.key =
        "not confirmed: list_agents answered " + (r.status ? std::to_string(r.status) : "nothing (" + r.error + ")");
  }
  return false;
}

void check_agents(DoctorProbe& probe, DoctorReport& report, const Found& found) {
  const std::string agent = found.agents.empty() ? std::string() : found.agents[0];
  read_with_id(probe, report, "get_agent_prompts", "agentId", agent, "no agent in the workspace");
  read_with_id(probe, report, "get_agent_prompt_history", "agentId", agent, "no agent in the workspace");
}

Question agent_filter_question(const std::vector<std::string>& all,
                               const std::vector<std::vector<std::string>>& per_agent,
                               const std::optional<std::vector<std::string>>& unknown) {
  Question q{"agent_filter", "Does list_conversations honour agentId?", "", false};
  if (all.empty()) {
    q.answer = "not checked: no conversation in the last 90 days";
    return q;
  }
  std::size_t busiest = 0;
  for (const auto& ids : per_agent) busiest = std::max(busiest, ids.size());
  const bool unknown_same = unknown && *unknown == all;
  const bool every_agent_same = per_agent.size() >= 2 && std::all_of(per_agent.begin(), per_agent.end(),
                                                                     [&](const auto& ids) { return ids == all; });
  const std::string counts = "without the filter " + std::to_string(all.size()) + " conversations on the first page, " +
                             "with the busiest agent's id " + std::to_string(busiest);
  if (unknown_same || every_agent_same) {
    q.differs = true;
    q.answer = "NO: the agentId filter is IGNORED (" + counts +
               (unknown_same ? ", and an agent that does not exist gets the very same conversations" : "") +
               "). list_conversations with agentId returns every agent's conversations.";
  } else if (unknown && unknown->empty()) {
    q.answer = "yes (" + counts + "; an agent that does not exist gets none)";
  } else {
    q.answer = "yes as far as can be seen (" + counts + ")";
  }
  return q;
}

void check_conversations(DoctorProbe& probe, DoctorReport& report, const Found& found) {
  const long long until = now_ms();
  const json window{{"since", until - 90 * kDayMs}, {"until", until}, {"limit", 100}};
  auto page = probe.read("list_conversations", window, "window of exactly 90 days");
  const RouteCheck unfiltered = probe.last();
  report.questions.push_back(
      {"window_90_days", "Does a window of exactly 90 days pass?",
       page ? "yes (" + std::to_string(unfiltered.status) + ")" : "NO: answered " + std::to_string(unfiltered.status),
       !page});
  const bool key_ok = page && page->is_object() && page->contains("interactions") && (*page)["interactions"].is_array();
  report.questions.push_back({"page_key", "Is the page array key `interactions`?",
                              !page    ? "not checked: the page was refused"
                              : key_ok ? "yes: " + unfiltered.shape
                                       : "NO: the page is " + unfiltered.shape + "; fini-mcp looks for `interactions`",
                              page && !key_ok});
  const auto all = ids_of(items_of(page, "interactions"));
  std::vector<std::vector<std::string>> per_agent;
  std::optional<std::vector<std::string>> unknown;
  if (!all.empty()) {
    for (std::size_t i = 0; i < found.agents.size() && i < kAgentsCompared; ++i) {
      json args = window;
      args["agentId"] = found.agents[i];
      per_agent.push_back(ids_of(items_of(probe.read("list_conversations", args, "agentId filter"), "interactions")));
    }
    json args = window;
    args["agentId"] = kNoSuchAgent;
    auto none = probe.read("list_conversations", args, "agentId filter, an agent that does not exist");
    if (none) unknown = ids_of(items_of(none, "interactions"));
  }
  report.questions.push_back(agent_filter_question(all, per_agent, unknown));
  read_with_id(probe, report, "get_conversation", "conversationId", all.empty() ? "" : all[0],
               "no conversation in the last 90 days");
}

void check_sources(DoctorProbe& probe, DoctorReport& report) {
  const json sources = items_of(probe.read("list_sources", json{{"limit", 10}}), "documents");
  read_with_id(probe, report, "get_source", "sourceId", first_id(sources), "no source in the workspace");
  probe.read("list_provider_resources", json{{"provider", "notion"}}, "Notion; 400 when it is not connected");
  std::string job;
  for (const auto& s : sources) {
    if (s.is_object() && s.contains("linkedJobId") && s["linkedJobId"].is_string()) {
      job = s["linkedJobId"].get<std::string>();
      break;
    }
  }
  if (job.empty()) {
    probe.read("check_knowledge_jobs", json{{"jobIds", json::array({kNoSuchAgent})}}, "a job id that does not exist");
  } else {
    probe.read("check_knowledge_jobs", json{{"jobIds", json::array({job})}}, "a source's linkedJobId");
  }
}

void check_knowledge(DoctorProbe& probe, DoctorReport& report) {
  const json articles = items_of(probe.read("list_articles", json::object()), "articles");
  const auto ids = ids_of(articles, 3);
  if (ids.empty())
    report.not_checked.push_back("get_articles_by_ids: no article in the workspace");
  else
    probe.read("get_articles_by_ids", json{{"articleIds", ids}});
  probe.read("get_knowledge_folders", json::object());
  const json rules = items_of(probe.read("list_rules", json::object()), "rules");
  read_with_id(probe, report, "get_rule", "ruleId", first_id(rules), "no rule in the workspace");
}

void check_tags(DoctorProbe& probe, DoctorReport& report) {
  const json groups = items_of(probe.read("list_tag_groups", json::object()), "tagGroups");
  report.workspace = "unknown (no custom tag group to read a companyId from)";
  std::string custom;
  for (const auto& g : groups) {
    if (g.is_object() && g.contains("companyId") && g["companyId"].is_string()) {
      report.workspace = "sha256:" + hex_encode(sha256(g["companyId"].get<std::string>()), 12) +
                         " (fingerprint of the companyId, not the id itself)";
      custom = g.value("id", "");
      break;
    }
  }
  const std::string group = custom.empty() ? first_id(groups) : custom;
  read_with_id(probe, report, "get_tag_group", "tagGroupId", group, "no tag group in the workspace");
  const json tags =
      group.empty() ? json::array() : items_of(probe.read("list_tags_in_group", json{{"tagGroupId", group}}), "");
  const auto group_ids = ids_of(groups, 5);
  if (group_ids.empty())
    report.not_checked.push_back("list_tags_across_groups: no tag group in the workspace");
  else
    probe.read("list_tags_across_groups", json{{"tagGroupIds", group_ids}});
  read_with_id(probe, report, "get_tag", "tagId", first_id(tags), "no tag in the first tag group");
}

void unknown_query_question(DoctorProbe& probe, DoctorReport& report) {
  auto body =
      probe.read("list_agents", json::object(), "an unknown query parameter", {{"finiMcpDoctorUnknownParameter", "1"}});
  const RouteCheck& r = probe.last();
  report.questions.push_back(
      {"unknown_query", "Are unknown query parameters ignored or refused?",
       body ? "ignored (" + std::to_string(r.status) + ")" : "refused (" + std::to_string(r.status) + ")", false});
}

void coverage(DoctorProbe& probe, DoctorReport& report) {
  std::set<std::string> seen;
  for (const auto& r : report.routes) seen.insert(r.tool);
  for (const auto& tool : probe.read_tools()) {
    if (seen.count(tool)) continue;
    bool noted = false;
    for (const auto& n : report.not_checked) noted = noted || n.rfind(tool + ":", 0) == 0;
    if (!noted) report.not_checked.push_back(tool + ": not sent");
  }
}

}  // namespace

void run_checks(DoctorProbe& probe, DoctorReport& report, const std::string& key_source) {
  Found found;
  if (!check_key(probe, report, key_source, found)) return;
  check_agents(probe, report, found);
  check_conversations(probe, report, found);
  check_sources(probe, report);
  check_knowledge(probe, report);
  check_tags(probe, report);
  unknown_query_question(probe, report);
  report.questions.push_back(
      {"tree_file", "What does initialize_knowledge_tree's file look like (text or binary)?",
       "not checked (would write): it is a write-scope POST that generates a tree from a prompt, and doctor never "
       "writes. The docs call its body a binary file (Content-Type from Fini; their example saves a .csv); "
       "fini-mcp returns it as an embedded resource either way.",
       false});
  coverage(probe, report);
}

}  // namespace fini::cli
