#include "sim/fixtures.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/util.hpp"

namespace fini::sim {

namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

Result<json> parse_file(const FixtureFiles& files, const std::string& name) {
  auto it = files.find(name);
  if (it == files.end()) return not_found("fixture " + name + " is missing");
  json j = json::parse(it->second, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return invalid_argument("fixture " + name + " is not a JSON object");
  return j;
}

int64_t ago_ms(const json& e, const char* key, int64_t now_ms) {
  auto it = e.find(key);
  if (it == e.end() || !it->is_number()) return now_ms;
  return now_ms - static_cast<int64_t>(it->get<double>() * static_cast<double>(kDayMs));
}

// Replaces createdAgoDays/updatedAgoDays with ISO createdAt/updatedAt.
void stamp(json& e, int64_t now_ms, bool with_updated) {
  int64_t created = ago_ms(e, "createdAgoDays", now_ms);
  int64_t updated = e.contains("updatedAgoDays") ? ago_ms(e, "updatedAgoDays", now_ms) : created;
  e.erase("createdAgoDays");
  e.erase("updatedAgoDays");
  e["createdAt"] = iso_from_ms(created);
  if (with_updated) e["updatedAt"] = iso_from_ms(updated);
}

json make_tag_group(json g, const json& company_id, bool managed, int64_t now_ms) {
  g.erase("tags");
  stamp(g, now_ms, true);
  g["companyId"] = company_id;
  if (managed) g["_managed"] = true;
  for (const char* k : {"description", "prompt"}) {
    if (!g.contains(k)) g[k] = "";
  }
  if (!g.contains("multiselect")) g["multiselect"] = false;
  if (!g.contains("mandatory")) g["mandatory"] = false;
  if (!g.contains("isOutputTagGroup")) g["isOutputTagGroup"] = false;
  return g;
}

void add_tag_groups(Workspace& ws, const json& groups, const json& company_id, bool managed, int64_t now_ms) {
  if (!groups.is_array()) return;
  for (const auto& g : groups) {
    json group = make_tag_group(g, company_id, managed, now_ms);
    std::string gid = str_or(group, "id");
    for (json t : g.value("tags", json::array())) {
      stamp(t, now_ms, false);
      t["tagGroupId"] = gid;
      if (!t.contains("tagDescription")) t["tagDescription"] = "";
      ws.tags[str_or(t, "id")] = t;
    }
    ws.tag_groups[gid] = std::move(group);
  }
}

json make_event(Prng& rng, int64_t at_ms, const std::string& role, const std::string& message, json used_articles) {
  return event_record(rng.uuid(), at_ms, role, message, std::move(used_articles));
}

std::string pick(Prng& rng, const json& arr, const std::string& fallback) {
  if (!arr.is_array() || arr.empty()) return fallback;
  const json& v = arr[static_cast<size_t>(rng.below(arr.size()))];
  return v.is_string() ? v.get<std::string>() : fallback;
}

// Conversations come from templates + a fixed seed instead of hundreds of hand-written entries.
void generate_conversations(Workspace& ws, const json& spec, int64_t now_ms) {
  if (!spec.is_object()) return;
  Prng rng(spec.value("seed", uint64_t{1}));
  const json templates = spec.value("templates", json::array());
  if (!templates.is_array() || templates.empty() || ws.agents.empty()) return;
  std::vector<std::string> bot_ids;
  for (const auto& [id, a] : ws.agents) bot_ids.push_back(id);
  int count = spec.value("count", 0);
  double span_days = spec.value("spanDays", 30.0);
  const json follow_ups = json::array({"Thanks, that helps!", "Okay, and how long will that take?",
                                       "That did not answer my question.", "Great, thank you."});
  for (int i = 0; i < count; ++i) {
    const json& t = templates[static_cast<size_t>(rng.below(templates.size()))];
    // Keep a 10-minute margin so every event is in the past at seeding time.
    int64_t age = static_cast<int64_t>(rng.uniform() * span_days * static_cast<double>(kDayMs));
    int64_t created = now_ms - age - 10 * 60 * 1000;
    std::string id = rng.uuid();
    json used = json::array();
    json used_article_ref = nullptr;
    if (t.contains("articleId") && t["articleId"].is_string()) {
      auto art = ws.articles.find(t["articleId"].get<std::string>());
      if (art != ws.articles.end()) {
        used.push_back({{"id", art->first}, {"title", str_or(art->second, "title")}, {"documentUrl", nullptr}});
      }
    }
    std::string user_msg = t.value("user", "Hello");
    json events = json::array();
    events.push_back(make_event(rng, created, "user", user_msg, json::array()));
    int64_t at = created + 5000 + static_cast<int64_t>(rng.below(60000));
    events.push_back(make_event(rng, at, "finibot", str_or(t, "reply"), used));
    if (rng.below(3) == 0) {
      at += 30000 + static_cast<int64_t>(rng.below(120000));
      events.push_back(make_event(rng, at, "user", pick(rng, follow_ups, "Thanks"), json::array()));
    }
    bool has_feedback = false;
    if (rng.below(4) == 0) {
      // CSAT 0 is a real rating, not "unrated": keep it in the mix.
      events.back()["csatRating"] = static_cast<int>(rng.below(6));
      has_feedback = true;
      if (rng.below(2) == 0) events.back()["feedback"] = "Quick answer";
    }
    std::string source = pick(rng, spec.value("sources", json::array()), "api");
    std::string channel = pick(rng, spec.value("channels", json::array()), "chat");
    json external_id = nullptr;
    if (source == "zendesk" || source == "intercom" || source == "freshdesk" || source == "front") {
      external_id = source + "-" + std::to_string(100000 + rng.below(900000));
    }
    json conv = {{"id", id},
                 {"createdAt", created},
                 {"source", source},
                 {"channel", channel},
                 {"status", t.value("status", "Resolved by AI")},
                 {"externalId", external_id},
                 {"url", "https://app.usefini.com/dashboard/inbox/" + id},
                 {"subjectPreview", user_msg.substr(0, 80)},
                 {"hasFeedback", has_feedback},
                 {"resolved", t.contains("resolved") ? t["resolved"] : json(nullptr)},
                 {"userAttributes",
                  {{"email", "customer" + std::to_string(i + 1) + "@example.com"},
                   {"plan", pick(rng, spec.value("plans", json::array()), "free")}}},
                 {"usedArticles", used},
                 {"usedSubfolders", json::array()},
                 {"events", events},
                 {"_botId", bot_ids[static_cast<size_t>(rng.below(bot_ids.size()))]},
                 {"_lastMs", at}};
    if (!used.empty()) {
      auto art = ws.articles.find(used[0]["id"].get<std::string>());
      if (art != ws.articles.end()) {
        auto folder = ws.folders.find(str_or(art->second, "parentFolderId"));
        if (folder != ws.folders.end()) {
          conv["usedSubfolders"].push_back({{"id", folder->first}, {"title", str_or(folder->second, "title")}});
        }
      }
    }
    ws.conversations[id] = std::move(conv);
  }
}

Result<Workspace> seed_workspace(const json& f, const json& defaults, int64_t now_ms) {
  Workspace ws;
  ws.slug = str_or(f, "workspace");
  if (ws.slug.empty()) return invalid_argument("workspace fixture without a \"workspace\" name");
  ws.name = f.value("name", ws.slug);
  ws.company_id = str_or(f, "companyId");
  ws.default_folder_id = str_or(f, "defaultFolderId");
  for (const auto& p : f.value("connectedProviders", json::array())) {
    if (p.is_string()) ws.connected_providers.push_back(p.get<std::string>());
  }
  ws.provider_resources = f.value("providerResources", json::object());
  ws.snapshot_id = str_or(f, "snapshotId");
  ws.snapshot_created_at = iso_from_ms(now_ms - 200 * kDayMs);
  ws.snapshot_updated_at = iso_from_ms(now_ms - kDayMs);
  // FNV-1a of the slug: a seed that is stable across standard libraries.
  uint64_t slug_seed = 1469598103934665603ULL;
  for (char c : ws.slug) slug_seed = (slug_seed ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  Prng rng(slug_seed);

  for (json a : f.value("agents", json::array())) {
    stamp(a, now_ms, false);
    ws.agents[str_or(a, "id")] = a;
  }
  for (json fo : f.value("folders", json::array())) {
    stamp(fo, now_ms, true);
    if (!fo.contains("parentFolderId")) fo["parentFolderId"] = nullptr;
    if (!fo.contains("botIds")) fo["botIds"] = json::array();
    if (!fo.contains("active")) fo["active"] = true;
    ws.folders[str_or(fo, "id")] = fo;
  }
  for (json a : f.value("articles", json::array())) {
    stamp(a, now_ms, true);
    bool draft = a.value("isDraft", false);
    a["isDraft"] = draft;
    if (!a.contains("active")) a["active"] = true;
    if (!a.contains("public")) a["public"] = true;
    if (!a.contains("origin")) a["origin"] = nullptr;
    if (!a.contains("originalArticleId")) a["originalArticleId"] = nullptr;
    if (!a.contains("originalArticleVersion")) a["originalArticleVersion"] = nullptr;
    if (!a.contains("isDraftPublished")) a["isDraftPublished"] = draft ? json(false) : json(nullptr);
    a["version"] = 1;
    ws.articles[str_or(a, "id")] = a;
  }
  for (json d : f.value("sources", json::array())) {
    int64_t created = ago_ms(d, "createdAgoDays", now_ms);
    stamp(d, now_ms, true);
    std::string id = str_or(d, "id");
    json paragraphs = d.value("paragraphs", json::array());
    bool registered_only = d.value("registeredOnly", false);
    bool failed = str_or(d, "jobStatus") == "FAILED";
    json doc = {{"id", id},
                {"originalUrl", str_or(d, "originalUrl")},
                {"title", str_or(d, "title")},
                {"storageUrl", "gs://fini-sandbox/documents/" + id},
                {"source", d.value("source", "web")},
                {"externalId", str_or(d, "externalId")},
                {"english", d.value("english", true)},
                {"baser", d.value("baser", false)},
                {"oldParagraphs", d.value("oldParagraphs", json::array())},
                {"createdAt", d["createdAt"]},
                {"updatedAt", d["updatedAt"]},
                {"mimeType", d.value("mimeType", "text/html")},
                {"type", d.value("type", "url")},
                {"linkedJobId", registered_only ? json(nullptr) : json(rng.uuid())},
                {"linkedKnowledgeId", d.value("linkedKnowledgeId", json(nullptr))},
                {"linkedOperation", d.value("linkedOperation", json(nullptr))},
                {"linkedReason", nullptr},
                {"changed", d.value("changed", false)},
                {"_prevParagraphs", json::array()},
                {"_newParagraphs", paragraphs},
                {"_revision", 1}};
    if (!registered_only) {
      doc["_jobStartMs"] = created;
      doc["_jobFail"] = failed;
      if (failed) doc["_jobError"] = d.value("error", "ingestion failed");
    }
    ws.documents[id] = std::move(doc);
  }
  for (json r : f.value("rules", json::array())) {
    stamp(r, now_ms, true);
    if (r.contains("behaviorInstructions")) {
      r["_behaviorInstructions"] = r["behaviorInstructions"];
      r.erase("behaviorInstructions");
    }
    ws.rules[str_or(r, "id")] = r;
  }
  add_tag_groups(ws, defaults.value("tagGroups", json::array()), nullptr, true, now_ms);
  add_tag_groups(ws, f.value("tagGroups", json::array()), ws.company_id, false, now_ms);
  ws.prompt_template = f.value("promptTemplate", json::object());
  for (json v : f.value("promptVersions", json::array())) {
    stamp(v, now_ms, false);
    ws.prompt_versions[str_or(v, "botId")].push_back(v);
  }
  for (auto& [bot, versions] : ws.prompt_versions) {
    std::sort(versions.begin(), versions.end(),
              [](const json& a, const json& b) { return str_or(a, "createdAt") < str_or(b, "createdAt"); });
  }
  generate_conversations(ws, f.value("conversations", json::object()), now_ms);
  return ws;
}

}  // namespace

Result<FixtureFiles> load_fixture_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return not_found("fixtures directory not found: " + dir);
  FixtureFiles files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    files[entry.path().filename().string()] = ss.str();
  }
  if (ec) return unavailable("cannot read fixtures directory " + dir + ": " + ec.message());
  return files;
}

Result<State> seed_state(const FixtureFiles& files, int64_t now_ms,
                         const std::map<std::string, int>& conversation_counts) {
  json defaults = json::object();
  if (files.count("defaults.json")) {
    auto d = parse_file(files, "defaults.json");
    if (!d.ok()) return d.status();
    defaults = *d;
  }
  State st;
  for (const auto& [name, text] : files) {
    if (name == "keys.json" || name == "defaults.json") continue;
    auto f = parse_file(files, name);
    if (!f.ok()) return f.status();
    if (!f->contains("workspace")) continue;
    try {
      if (auto n = conversation_counts.find(f->value("workspace", "")); n != conversation_counts.end()) {
        (*f)["conversations"]["count"] = n->second;
      }
      auto ws = seed_workspace(*f, defaults, now_ms);
      if (!ws.ok()) return ws.status();
      st.workspaces[ws->slug] = std::move(*ws);
    } catch (const json::exception& e) {
      // Fixtures are start-up configuration: a wrongly typed field is reported, not crashed on.
      return invalid_argument("fixture " + name + ": " + e.what());
    }
  }
  if (st.workspaces.empty()) return invalid_argument("fixtures define no workspace");
  return st;
}

Result<std::vector<ApiKey>> load_keys(const FixtureFiles& files) {
  auto k = parse_file(files, "keys.json");
  if (!k.ok()) return k.status();
  std::vector<ApiKey> keys;
  if (!k->contains("keys") || !(*k)["keys"].is_array()) return invalid_argument("keys.json: \"keys\" must be an array");
  for (const auto& e : (*k)["keys"]) {
    if (!e.is_object() || !e.contains("key") || !e["key"].is_string() || !e.contains("workspace") ||
        !e["workspace"].is_string()) {
      return invalid_argument("keys.json: every key needs string \"key\" and \"workspace\"");
    }
    ApiKey key;
    key.key = e["key"].get<std::string>();
    key.workspace = e["workspace"].get<std::string>();
    if (e.contains("scopes") && e["scopes"].is_array()) {
      for (const auto& s : e["scopes"]) {
        if (s == "read") key.read = true;
        if (s == "write") key.write = true;
      }
    }
    key.revoked = e.contains("revoked") && e["revoked"].is_boolean() && e["revoked"].get<bool>();
    keys.push_back(std::move(key));
  }
  return keys;
}

}  // namespace fini::sim
