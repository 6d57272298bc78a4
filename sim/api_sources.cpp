// Sources (wire name documents): list/get with lazily computed ingestion status, provider
// discovery/registration, ingestion, crawl, refresh and delete.
#include <algorithm>
#include <set>

#include "sim/api.hpp"
#include "sim/util.hpp"

namespace fini::sim {

namespace {

const std::vector<std::string> kProviders = {"notion", "zendesk", "confluence"};

bool unreachable(const std::string& url) {
  std::string host = url_host(url);
  return ends_with(host, ".invalid") || host.find("unreachable") != std::string::npos ||
         url.find("unreachable") != std::string::npos;
}

std::optional<bool> parse_bool(const std::string& s) {
  if (s == "true") return true;
  if (s == "false") return false;
  return std::nullopt;
}

Reply check_provider(const Workspace& ws, const std::string& provider) {
  if (std::find(kProviders.begin(), kProviders.end(), provider) == kProviders.end()) {
    return error(400, "Unsupported provider: " + provider + " (supported: notion, zendesk, confluence)");
  }
  if (!ws.provider_connected(provider)) {
    return error(400,
                 "Provider " + provider + " is not connected for this workspace; connect it in the dashboard first");
  }
  return ok(nullptr);
}

// Sort key: updatedAt desc, then externalId desc, then id desc (total order for stable paging).
bool before(const json& a, const json& b) {
  auto ua = str_or(a, "updatedAt");
  auto ub = str_or(b, "updatedAt");
  if (ua != ub) return ua > ub;
  auto ea = str_or(a, "externalId");
  auto eb = str_or(b, "externalId");
  if (ea != eb) return ea > eb;
  return str_or(a, "id") > str_or(b, "id");
}

Reply list_sources(Env& env, const Call& call) {
  const auto& req = *call.req;
  Workspace& ws = workspace_of(env, call);
  size_t limit = 50;
  if (auto v = query_value(req, "limit")) {
    bool digits =
        !v->empty() && v->size() < 10 && std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) return error(400, "limit must be an integer");
    long n = std::stol(*v);
    // The max is undocumented; the sandbox mirrors the conversations bound.
    if (n < 1 || n > 100) return error(400, "limit must be between 1 and 100");
    limit = static_cast<size_t>(n);
  }
  std::string direction = query_value(req, "direction").value_or("next");
  if (direction != "next" && direction != "previous") {
    return error(400, "direction must be one of the following values: next, previous");
  }
  auto source = query_value(req, "source");
  if (source) {
    static const std::vector<std::string> kKinds = {"web", "files", "googledrive", "zendesk", "notion", "confluence"};
    if (std::find(kKinds.begin(), kKinds.end(), *source) == kKinds.end()) {
      return error(400,
                   "source must be one of the following values: web, files, googledrive, zendesk, notion, confluence");
    }
  }
  std::optional<bool> english, changed;
  for (const char* name : {"english", "changed"}) {
    if (auto v = query_value(req, name)) {
      auto b = parse_bool(*v);
      if (!b) return error(400, std::string(name) + " must be a boolean value");
      (std::string(name) == "english" ? english : changed) = b;
    }
  }
  std::optional<json> cursor_doc;
  if (auto c = query_value(req, "cursor")) {
    auto it = ws.documents.find(*c);
    if (it == ws.documents.end()) return error(400, "cursor does not match a source in this workspace");
    cursor_doc = it->second;
  }
  std::vector<json> rows;
  for (const auto& [id, d] : ws.documents) {
    json r = render_document(d, env.now_ms, env.job_step_ms);
    if (source && str_or(r, "source") != *source) continue;
    if (english && r.value("english", true) != *english) continue;
    if (changed && r.value("changed", false) != *changed) continue;
    rows.push_back(std::move(r));
  }
  std::sort(rows.begin(), rows.end(), before);
  size_t begin = 0;
  size_t end = 0;
  bool has_more = false;
  if (!cursor_doc || direction == "next") {
    if (cursor_doc) {
      begin = static_cast<size_t>(
          std::partition_point(rows.begin(), rows.end(), [&](const json& r) { return !before(*cursor_doc, r); }) -
          rows.begin());
    }
    end = std::min(rows.size(), begin + limit);
    has_more = end < rows.size();
  } else {
    end = static_cast<size_t>(
        std::partition_point(rows.begin(), rows.end(), [&](const json& r) { return before(r, *cursor_doc); }) -
        rows.begin());
    begin = end > limit ? end - limit : 0;
    has_more = begin > 0;
  }
  json docs = json::array();
  for (size_t i = begin; i < end; ++i) docs.push_back(rows[i]);
  return ok({{"documents", docs}, {"hasMore", has_more}});
}

Reply get_source(Env& env, const Call& call) {
  const std::string& id = call.params[0];
  if (!is_uuid(id)) return error(400, "id must be a UUID");
  Workspace& ws = workspace_of(env, call);
  auto it = ws.documents.find(id);
  if (it != ws.documents.end()) return ok(render_document(it->second, env.now_ms, env.job_step_ms));
  if (owner_elsewhere(env.state, call.workspace, &Workspace::documents, id)) {
    return error(403, "Forbidden resource");
  }
  return error(404, "Source not found");
}

std::set<std::string> imported_ids(const Workspace& ws, const std::string& provider) {
  std::set<std::string> out;
  for (const auto& [id, d] : ws.documents) {
    if (str_or(d, "source") == provider) out.insert(str_or(d, "externalId"));
  }
  return out;
}

Reply list_provider_resources(Env& env, const Call& call) {
  const std::string& provider = call.params[0];
  Workspace& ws = workspace_of(env, call);
  Reply bad = check_provider(ws, provider);
  if (bad.status != 200) return bad;
  auto done = imported_ids(ws, provider);
  json catalogue = ws.provider_resources.value(provider, json::array());
  json out = json::array();
  auto fresh = [&](const json& r) { return !done.count(str_or(r, "externalId")); };
  if (provider == "notion") {
    for (const auto& r : catalogue) {
      if (fresh(r)) out.push_back(r);
    }
  } else if (provider == "zendesk") {
    // category -> section -> article; empty branches are pruned.
    for (json cat : catalogue) {
      json sections = json::array();
      for (json sec : cat.value("children", json::array())) {
        json arts = json::array();
        for (const auto& a : sec.value("children", json::array())) {
          if (fresh(a)) arts.push_back(a);
        }
        if (arts.empty()) continue;
        sec["children"] = arts;
        sections.push_back(sec);
      }
      if (sections.empty()) continue;
      cat["children"] = sections;
      out.push_back(cat);
    }
  } else {
    for (json space : catalogue) {
      json pages = json::array();
      for (const auto& p : space.value("pages", json::array())) {
        if (fresh(p)) pages.push_back(p);
      }
      if (pages.empty()) continue;
      space["pages"] = pages;
      out.push_back(space);
    }
  }
  return ok(out);
}

Reply register_provider_resources(Env& env, const Call& call) {
  const std::string& provider = call.params[0];
  Workspace& ws = workspace_of(env, call);
  Fields f(call.body);
  json resources = f.array("resources", true, true);
  if (f.failed()) return f.reply();
  Reply bad = check_provider(ws, provider);
  if (bad.status != 200) return bad;
  for (size_t i = 0; i < resources.size(); ++i) {
    const json& r = resources[i];
    if (!r.is_object()) return error(400, "resources[" + std::to_string(i) + "] must be an object");
    for (const char* k : {"originalUrl", "title", "externalId", "mimeType"}) {
      if (!r.contains(k) || !r[k].is_string() || r[k].get<std::string>().empty()) {
        return error(400, "resources[" + std::to_string(i) + "]." + k + " is required and must be a non-empty string");
      }
    }
  }
  json added = json::array();
  json updated = json::array();
  std::string now_iso = iso_from_ms(env.now_ms);
  for (const auto& r : resources) {
    std::string ext = r["externalId"].get<std::string>();
    json* existing = nullptr;
    for (auto& [id, d] : ws.documents) {
      if (str_or(d, "source") == provider && str_or(d, "externalId") == ext) existing = &d;
    }
    if (existing) {
      (*existing)["originalUrl"] = r["originalUrl"];
      (*existing)["title"] = r["title"];
      (*existing)["mimeType"] = r["mimeType"];
      if (r.contains("object") && r["object"].is_string()) (*existing)["type"] = r["object"];
      (*existing)["updatedAt"] = now_iso;
      updated.push_back((*existing)["id"]);
      continue;
    }
    std::string id = random_uuid();
    ws.documents[id] = {{"id", id},
                        {"originalUrl", r["originalUrl"]},
                        {"title", r["title"]},
                        {"storageUrl", "gs://fini-sandbox/documents/" + id},
                        {"source", provider},
                        {"externalId", ext},
                        {"english", true},
                        {"baser", false},
                        {"oldParagraphs", json::array()},
                        {"createdAt", now_iso},
                        {"updatedAt", now_iso},
                        {"mimeType", r["mimeType"]},
                        {"type", r.contains("object") && r["object"].is_string() ? r["object"] : json("page")},
                        {"linkedJobId", nullptr},
                        {"linkedKnowledgeId", nullptr},
                        {"linkedOperation", nullptr},
                        {"linkedReason", nullptr},
                        {"changed", false},
                        {"_prevParagraphs", json::array()},
                        {"_newParagraphs", json::array()},
                        {"_revision", 0}};
    added.push_back(id);
  }
  return ok({{"addedDocumentIds", added}, {"updatedDocumentIds", updated}});
}

// Starts an ingestion/refresh job on a source record; the outcome shows after two job steps.
void queue_ingestion(Env& env, json& doc, std::optional<bool> english, std::optional<bool> baser) {
  json current = render_document(doc, env.now_ms, env.job_step_ms);
  json prev = current.value("linkedJobStatus", json()) == "COMPLETED" ? current["paragraphs"] : json::array();
  int revision = doc.value("_revision", 0) + 1;
  std::string title = str_or(doc, "title");
  std::string url = str_or(doc, "originalUrl");
  json next = json::array(
      {title + ": content fetched from " + url + ".", "Revision " + std::to_string(revision) + " of " + title + "."});
  doc["_revision"] = revision;
  doc["_prevParagraphs"] = prev;
  doc["_newParagraphs"] = next;
  doc["oldParagraphs"] = prev;
  doc["_changedOnComplete"] = !prev.empty() && prev != next;
  doc["_jobStartMs"] = env.now_ms;
  bool fail = unreachable(url);
  doc["_jobFail"] = fail;
  if (fail) {
    doc["_jobError"] = "Failed to fetch " + url + ": host unreachable";
  } else {
    doc.erase("_jobError");
  }
  doc["linkedJobId"] = random_uuid();
  doc["updatedAt"] = iso_from_ms(env.now_ms);
  if (english) doc["english"] = *english;
  if (baser) doc["baser"] = *baser;
}

std::string title_from_url(const std::string& url) {
  std::string path = url.substr(url.find("://") + 3);
  auto parts = split(path, '/');
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    std::string t = trim(*it);
    if (!t.empty() && it != parts.rend() - 1) {
      std::replace(t.begin(), t.end(), '-', ' ');
      if (!t.empty()) t[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(t[0])));
      return t;
    }
  }
  return url_host(url);
}

Reply ingest_sources(Env& env, const Call& call) {
  Workspace& ws = workspace_of(env, call);
  Fields f(call.body);
  std::string source = f.opt_str("source").value_or("web");
  if (!f.failed()) f.one_of("source", source, {"web", "googledrive", "notion", "zendesk", "confluence"});
  auto to_add = f.str_array("documentIdsToAdd", false);
  auto to_refresh = f.str_array("documentIdsToRefresh", false);
  auto english = f.opt_bool("english");
  auto baser = f.opt_bool("baser");
  if (f.failed()) return f.reply();
  if (to_add.empty() && to_refresh.empty()) {
    return error(400, "documentIdsToAdd or documentIdsToRefresh must contain at least one item");
  }
  if (source != "web" && source != "googledrive") {
    Reply bad = check_provider(ws, source);
    if (bad.status != 200) return bad;
  }
  std::vector<json*> add_docs, refresh_docs;
  std::vector<std::string> new_urls;
  auto find_web = [&](const std::string& url) -> json* {
    for (auto& [id, d] : ws.documents) {
      if (str_or(d, "source") == "web" && str_or(d, "originalUrl") == url) return &d;
    }
    return nullptr;
  };
  // Validate everything first so a bad item queues nothing.
  for (int pass = 0; pass < 2; ++pass) {
    const auto& list = pass == 0 ? to_add : to_refresh;
    const char* field = pass == 0 ? "documentIdsToAdd" : "documentIdsToRefresh";
    for (const auto& v : list) {
      if (source == "web") {
        if (is_uuid(v)) {
          return error(400, std::string(field) + ": source=web expects URLs, not source IDs (got " + v +
                                "); send IDs with the provider's source value");
        }
        if (!is_http_url(v)) return error(400, std::string(field) + " contains an invalid URL: " + v);
        json* d = find_web(v);
        if (pass == 1 && !d) return error(400, "documentIdsToRefresh contains a URL that was never ingested: " + v);
        if (d) {
          (pass == 0 ? add_docs : refresh_docs).push_back(d);
        } else {
          new_urls.push_back(v);
        }
        continue;
      }
      if (is_http_url(v)) {
        return error(400, std::string(field) + ": source=" + source +
                              " expects source IDs from registerProviderResources, not URLs (got " + v + ")");
      }
      auto it = ws.documents.find(v);
      if (it == ws.documents.end()) return error(400, std::string(field) + " contains an unknown source ID: " + v);
      if (str_or(it->second, "source") != source) {
        return error(400, "source " + v + " is a " + str_or(it->second, "source") + " source, not " + source);
      }
      (pass == 0 ? add_docs : refresh_docs).push_back(&it->second);
    }
  }
  json added = json::array();
  json updated = json::array();
  std::string now_iso = iso_from_ms(env.now_ms);
  std::set<std::string> seen_urls;
  for (const auto& url : new_urls) {
    if (!seen_urls.insert(url).second) continue;
    std::string id = random_uuid();
    json doc = {{"id", id},
                {"originalUrl", url},
                {"title", title_from_url(url)},
                {"storageUrl", "gs://fini-sandbox/documents/" + id},
                {"source", "web"},
                {"externalId", url},
                {"english", true},
                {"baser", false},
                {"oldParagraphs", json::array()},
                {"createdAt", now_iso},
                {"updatedAt", now_iso},
                {"mimeType", "text/html"},
                {"type", "url"},
                {"linkedJobId", nullptr},
                {"linkedKnowledgeId", nullptr},
                {"linkedOperation", nullptr},
                {"linkedReason", nullptr},
                {"changed", false},
                {"_revision", 0}};
    queue_ingestion(env, doc, english, baser);
    ws.documents[id] = std::move(doc);
    added.push_back(id);
  }
  for (json* d : add_docs) {
    queue_ingestion(env, *d, english, baser);
    // A first ingestion of a registered record is an add; re-adding a known URL is an update.
    (source != "web" && (*d).value("_revision", 0) == 1 ? added : updated).push_back((*d)["id"]);
  }
  for (json* d : refresh_docs) {
    queue_ingestion(env, *d, english, baser);
    updated.push_back((*d)["id"]);
  }
  return ok({{"addedDocumentIds", added}, {"updatedDocumentIds", updated}});
}

Reply crawl_links(Env& env, const Call& call) {
  (void)env;
  Fields f(call.body);
  auto links = f.str_array("links", true, true);
  auto limit = f.opt_int("limit");
  if (f.failed()) return f.reply();
  if (limit && (*limit < 1 || *limit > 1000)) return error(400, "limit must be between 1 and 1000");
  for (const auto& l : links) {
    if (!is_http_url(l)) return error(400, "links must contain only valid URLs (got " + l + ")");
  }
  static const std::vector<std::string> kSlugs = {"getting-started", "shipping", "returns", "billing",
                                                  "account",         "warranty", "contact"};
  json data = json::array();
  std::set<std::string> seen;
  auto cap = static_cast<size_t>(limit.value_or(250));
  for (const auto& l : links) {
    if (unreachable(l)) return error(500, "Crawl failed for " + l + ": host unreachable");
    std::string base = l.substr(0, l.find('/', l.find("://") + 3));
    for (const auto& s : kSlugs) {
      std::string u = base + "/articles/" + s;
      if (data.size() < cap && seen.insert(u).second) data.push_back(u);
    }
  }
  return ok({{"data", data}, {"message", "Successfully crawled parent URLs"}});
}

// Shared id checks for refresh/delete: 400 unknown, 403 another workspace's source.
Reply check_source_ids(Env& env, const Call& call, const std::vector<std::string>& ids) {
  Workspace& ws = workspace_of(env, call);
  for (const auto& id : ids) {
    if (ws.documents.count(id)) continue;
    if (owner_elsewhere(env.state, call.workspace, &Workspace::documents, id)) {
      return error(403, "Forbidden resource");
    }
    return error(400, "Unknown source ID: " + id);
  }
  return ok(nullptr);
}

Reply refresh_sources(Env& env, const Call& call) {
  Fields f(call.body);
  auto ids = f.str_array("documentIds", true, true);
  if (f.failed()) return f.reply();
  Reply bad = check_source_ids(env, call, ids);
  if (bad.status != 200) return bad;
  Workspace& ws = workspace_of(env, call);
  for (const auto& id : ids) {
    if (str_or(ws.documents[id], "source") == "files") {
      return error(400, "Raw-file sources cannot be refreshed (delete and re-upload instead): " + id);
    }
  }
  json out = json::array();
  for (const auto& id : ids) {
    queue_ingestion(env, ws.documents[id], std::nullopt, std::nullopt);
    out.push_back(id);
  }
  return ok(out);
}

Reply delete_sources(Env& env, const Call& call) {
  Fields f(call.body);
  auto ids = f.str_array("documentIds", true, true);
  bool delete_articles = f.boolean("deleteArticles", false, false);
  if (f.failed()) return f.reply();
  Reply bad = check_source_ids(env, call, ids);
  if (bad.status != 200) return bad;
  Workspace& ws = workspace_of(env, call);
  json docs = json::array();
  json arts = json::array();
  for (const auto& id : ids) {
    auto it = ws.documents.find(id);
    if (it == ws.documents.end()) continue;  // duplicate id in the request
    if (delete_articles) {
      auto a = ws.articles.find(str_or(it->second, "linkedKnowledgeId"));
      if (a != ws.articles.end()) {
        arts.push_back(
            {{"id", a->first}, {"title", a->second["title"]}, {"parentFolderId", a->second["parentFolderId"]}});
        ws.articles.erase(a);
      }
    }
    docs.push_back({{"id", id}, {"title", it->second["title"]}, {"originalUrl", it->second["originalUrl"]}});
    ws.documents.erase(it);
  }
  return ok({{"deletedDocuments", docs}, {"deletedArticles", arts}});
}

}  // namespace

void register_source_handlers(HandlerMap& m) {
  m["listSources"] = list_sources;
  m["getSource"] = get_source;
  m["listProviderResources"] = list_provider_resources;
  m["registerProviderResources"] = register_provider_resources;
  m["ingestSources"] = ingest_sources;
  m["crawlLinks"] = crawl_links;
  m["refreshSources"] = refresh_sources;
  m["deleteSources"] = delete_sources;
}

}  // namespace fini::sim
