// Knowledge folders (wire name hc-folders), folder-agent junctions, and the tree template
// round trip: initialize returns a CSV of the current tree (+ a folder suggested by the prompt),
// persist reads such a CSV back and creates/moves/renames folders and moves articles.
#include <algorithm>
#include <functional>

#include "sim/api.hpp"
#include "sim/util.hpp"

namespace fini::sim {

namespace {

constexpr int kMaxDepth = 5;
const char* const kCsvHeader = "folderId,folderPath,folderDescription,articleId,articleTitle";

void touch_tree(Env& env, Workspace& ws) { ws.snapshot_updated_at = iso_from_ms(env.now_ms); }

std::optional<std::string> parent_of(const Workspace& ws, const std::string& id) {
  auto it = ws.folders.find(id);
  if (it == ws.folders.end() || !it->second["parentFolderId"].is_string()) return std::nullopt;
  return it->second["parentFolderId"].get<std::string>();
}

int depth_of(const Workspace& ws, const std::string& id) {
  int d = 1;
  std::optional<std::string> p = parent_of(ws, id);
  while (p && d <= 64) {
    ++d;
    p = parent_of(ws, *p);
  }
  return d;
}

int subtree_height(const Workspace& ws, const std::string& id) {
  int h = 1;
  for (const auto& [cid, c] : ws.folders) {
    if (c["parentFolderId"] == id) h = std::max(h, 1 + subtree_height(ws, cid));
  }
  return h;
}

bool is_descendant_or_self(const Workspace& ws, const std::string& candidate, const std::string& ancestor) {
  std::optional<std::string> cur = candidate;
  for (int guard = 0; cur && guard < 64; ++guard) {
    if (*cur == ancestor) return true;
    cur = parent_of(ws, *cur);
  }
  return false;
}

std::vector<std::string> children_of(const Workspace& ws, const json& parent) {
  std::vector<std::pair<std::string, std::string>> kids;
  for (const auto& [id, f] : ws.folders) {
    if (f["parentFolderId"] == parent) kids.push_back({str_or(f, "title"), id});
  }
  std::sort(kids.begin(), kids.end());
  std::vector<std::string> out;
  for (auto& k : kids) out.push_back(k.second);
  return out;
}

json folder_node(const Workspace& ws, const std::string& id, int64_t now_ms) {
  const json& f = ws.folders.at(id);
  json node = public_view(f);
  node["type"] = "folder";
  json arts = json::array();
  for (const auto& [aid, a] : ws.articles) {
    if (a["parentFolderId"] == id && !a.value("isDraft", false) && article_visible(a, now_ms)) {
      arts.push_back({{"id", aid}, {"title", a["title"]}, {"type", "article"}, {"active", a.value("active", true)}});
    }
  }
  node["articles"] = arts;
  json kids = json::array();
  for (const auto& cid : children_of(ws, id)) kids.push_back(folder_node(ws, cid, now_ms));
  node["children"] = kids;
  return node;
}

Reply get_knowledge_folders(Env& env, const Call& call) {
  Workspace& ws = workspace_of(env, call);
  auto bot = query_value(*call.req, "botId");
  json roots = json::array();
  if (!bot) {
    for (const auto& id : children_of(ws, nullptr)) roots.push_back(folder_node(ws, id, env.now_ms));
  } else {
    // Folders attached to the agent (with their subtrees); nested attachments appear once.
    std::function<void(const std::string&)> visit = [&](const std::string& id) {
      const json& f = ws.folders.at(id);
      const json& bots = f["botIds"];
      if (std::find(bots.begin(), bots.end(), json(*bot)) != bots.end()) {
        roots.push_back(folder_node(ws, id, env.now_ms));
        return;
      }
      for (const auto& cid : children_of(ws, id)) visit(cid);
    };
    for (const auto& id : children_of(ws, nullptr)) visit(id);
  }
  return ok({{"id", ws.snapshot_id},
             {"createdAt", ws.snapshot_created_at},
             {"updatedAt", ws.snapshot_updated_at},
             {"snapshotObjV2", roots}});
}

json new_folder(Env& env, const std::string& title, const std::string& description, const json& parent) {
  std::string now = iso_from_ms(env.now_ms);
  return {{"id", random_uuid()}, {"title", title},          {"description", description}, {"parentFolderId", parent},
          {"active", true},      {"botIds", json::array()}, {"createdAt", now},           {"updatedAt", now}};
}

Reply create_knowledge_folder(Env& env, const Call& call) {
  Fields f(call.body);
  std::string title = f.str("title", true, true);
  std::string description = f.str("description", true);
  auto parent = f.opt_str("parentFolderId");
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  if (parent) {
    if (!ws.folders.count(*parent)) return error(404, "Parent folder not found");
    if (depth_of(ws, *parent) + 1 > kMaxDepth) {
      return error(406, "Tree change not allowed: folders nest at most " + std::to_string(kMaxDepth) + " levels deep");
    }
  }
  json folder = new_folder(env, title, description, parent ? json(*parent) : json(nullptr));
  ws.folders[folder["id"].get<std::string>()] = folder;
  touch_tree(env, ws);
  return ok(public_view(folder));
}

Reply update_knowledge_folder(Env& env, const Call& call) {
  Fields f(call.body);
  std::string title = f.str("title", true, true);
  std::string description = f.str("description", true);
  bool active = f.boolean("active", true);
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  auto it = ws.folders.find(call.params[0]);
  if (it == ws.folders.end()) return error(404, "Folder not found");
  it->second["title"] = title;
  it->second["description"] = description;
  it->second["active"] = active;
  it->second["updatedAt"] = iso_from_ms(env.now_ms);
  touch_tree(env, ws);
  return ok(public_view(it->second));
}

Reply move_knowledge_folder(Env& env, const Call& call) {
  Fields f(call.body);
  std::string dest = f.str("parentFolderId", true, true);
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  auto it = ws.folders.find(call.params[0]);
  if (it == ws.folders.end()) return error(404, "Folder not found");
  if (!ws.folders.count(dest)) return error(404, "Destination folder not found");
  if (is_descendant_or_self(ws, dest, it->first)) {
    return error(406, "Tree change not allowed: a folder cannot move into itself or one of its subfolders");
  }
  if (depth_of(ws, dest) + subtree_height(ws, it->first) > kMaxDepth) {
    return error(406, "Tree change not allowed: folders nest at most " + std::to_string(kMaxDepth) + " levels deep");
  }
  it->second["parentFolderId"] = dest;
  it->second["updatedAt"] = iso_from_ms(env.now_ms);
  touch_tree(env, ws);
  return ok(public_view(it->second));
}

Reply delete_knowledge_folder(Env& env, const Call& call) {
  Workspace& ws = workspace_of(env, call);
  auto it = ws.folders.find(call.params[0]);
  if (it == ws.folders.end()) return error(404, "Folder not found");
  json deleted = it->second;
  // Undocumented: the sandbox lifts subfolders and articles to the deleted folder's parent.
  for (auto& [id, f] : ws.folders) {
    if (f["parentFolderId"] == it->first) f["parentFolderId"] = deleted["parentFolderId"];
  }
  for (auto& [id, a] : ws.articles) {
    if (a["parentFolderId"] == it->first) a["parentFolderId"] = deleted["parentFolderId"];
  }
  ws.folders.erase(it);
  touch_tree(env, ws);
  return ok(public_view(deleted));
}

Reply assign_knowledge_to_agents(Env& env, const Call& call) {
  Fields f(call.body);
  json junctions = f.array("junctions", true, true);
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  for (size_t i = 0; i < junctions.size(); ++i) {
    const json& j = junctions[i];
    std::string at = "junctions[" + std::to_string(i) + "]";
    if (!j.is_object()) return error(400, at + " must be an object");
    for (const char* k : {"folderId", "botId", "action"}) {
      if (!j.contains(k) || !j[k].is_string()) return error(400, at + "." + k + " must be a string");
    }
    std::string action = j["action"].get<std::string>();
    // The docs allow ADD (attach) and DELETE (detach), nothing else.
    if (action != "ADD" && action != "DELETE")
      return error(400, at + ".action must be one of the following values: ADD, DELETE");
    if (!ws.folders.count(j["folderId"].get<std::string>()))
      return error(400, at + ".folderId does not match a folder in this workspace");
    if (!ws.agents.count(j["botId"].get<std::string>()))
      return error(400, at + ".botId does not match an agent in this workspace");
  }
  for (const auto& j : junctions) {
    json& bots = ws.folders[j["folderId"].get<std::string>()]["botIds"];
    json bot = j["botId"];
    auto pos = std::find(bots.begin(), bots.end(), bot);
    if (j["action"] == "ADD" && pos == bots.end()) bots.push_back(bot);
    if (j["action"] == "DELETE" && pos != bots.end()) bots.erase(pos);
  }
  touch_tree(env, ws);
  return ok({{"status", true}});
}

std::string folder_path(const Workspace& ws, const std::string& id) {
  std::vector<std::string> parts;
  std::optional<std::string> cur = id;
  for (int guard = 0; cur && guard < 64; ++guard) {
    auto it = ws.folders.find(*cur);
    if (it == ws.folders.end()) break;
    parts.push_back(str_or(it->second, "title"));
    cur = parent_of(ws, *cur);
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += (out.empty() ? "" : " > ") + *it;
  return out;
}

Reply initialize_knowledge_folders(Env& env, const Call& call) {
  Fields f(call.body);
  std::string prompt = f.str("initPrompt", true, true);
  if (f.failed()) return f.reply();
  Workspace& ws = workspace_of(env, call);
  std::string csv = std::string(kCsvHeader) + "\n";
  std::function<void(const std::string&)> emit = [&](const std::string& id) {
    const json& fo = ws.folders.at(id);
    std::string path = folder_path(ws, id);
    csv += csv_escape(id) + "," + csv_escape(path) + "," + csv_escape(str_or(fo, "description")) + ",,\n";
    for (const auto& [aid, a] : ws.articles) {
      if (a["parentFolderId"] == id && !a.value("isDraft", false) && article_visible(a, env.now_ms)) {
        csv += csv_escape(id) + "," + csv_escape(path) + ",," + csv_escape(aid) + "," + csv_escape(str_or(a, "title")) +
               "\n";
      }
    }
    for (const auto& cid : children_of(ws, id)) emit(cid);
  };
  for (const auto& id : children_of(ws, nullptr)) emit(id);
  // The "generated" part: one new top-level folder named after the prompt.
  std::string suggested = trim(prompt.substr(0, 60));
  std::replace(suggested.begin(), suggested.end(), '>', ' ');
  csv += "," + csv_escape("Suggested: " + suggested) + "," + csv_escape("Suggested from prompt: " + prompt) + ",,\n";
  Reply r;
  r.raw = csv;
  r.content_type = "text/csv; charset=utf-8";
  r.headers.push_back({"Content-Disposition", "attachment; filename=\"knowledge-tree.csv\""});
  return r;
}

std::vector<std::string> path_segments(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t pos = path.find('>', start);
    std::string seg = trim(path.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (!seg.empty()) out.push_back(seg);
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  return out;
}

Reply persist_knowledge_folders(Env& env, const Call& call) {
  const auto& req = *call.req;
  if (!req.is_multipart_form_data() || !req.has_file("file")) {
    return error(400, "file is required (multipart/form-data field 'file')");
  }
  auto rows = csv_parse(req.get_file_value("file").content);
  if (!rows || rows->empty()) return error(500, "Failed to persist knowledge tree: the file is not valid CSV");
  const auto& header = rows->front();
  auto col = [&](const char* name) -> int {
    auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : static_cast<int>(it - header.begin());
  };
  int c_fid = col("folderId"), c_path = col("folderPath"), c_desc = col("folderDescription"), c_aid = col("articleId");
  if (c_path < 0)
    return error(500, "Failed to persist knowledge tree: missing folderPath column (expected header: " +
                          std::string(kCsvHeader) + ")");
  Workspace& ws = workspace_of(env, call);
  int created = 0, moved = 0, renamed = 0, articles_moved = 0, skipped = 0;
  auto cell = [](const std::vector<std::string>& row, int c) {
    return c >= 0 && static_cast<size_t>(c) < row.size() ? trim(row[static_cast<size_t>(c)]) : std::string();
  };
  // Resolves a title path from the root, creating missing folders; nullopt (root) for empty paths.
  auto resolve = [&](const std::vector<std::string>& segs, size_t n,
                     const std::string& description) -> std::optional<std::string> {
    std::optional<std::string> cur;
    for (size_t i = 0; i < n; ++i) {
      std::optional<std::string> found;
      for (const auto& cid : children_of(ws, cur ? json(*cur) : json(nullptr))) {
        if (str_or(ws.folders[cid], "title") == segs[i]) found = cid;
      }
      if (!found) {
        json fo = new_folder(env, segs[i], i + 1 == n ? description : std::string(), cur ? json(*cur) : json(nullptr));
        found = fo["id"].get<std::string>();
        ws.folders[*found] = fo;
        ++created;
      }
      cur = found;
    }
    return cur;
  };
  for (size_t r = 1; r < rows->size(); ++r) {
    const auto& row = (*rows)[r];
    auto segs = path_segments(cell(row, c_path));
    if (segs.empty() || segs.size() > static_cast<size_t>(kMaxDepth)) {
      ++skipped;
      continue;
    }
    std::string fid = cell(row, c_fid);
    std::string aid = cell(row, c_aid);
    if (!aid.empty()) {
      auto a = ws.articles.find(aid);
      if (a == ws.articles.end() || !article_visible(a->second, env.now_ms)) {
        ++skipped;
        continue;
      }
      std::optional<std::string> target = resolve(segs, segs.size(), "");
      if (target && a->second["parentFolderId"] != *target) {
        a->second["parentFolderId"] = *target;
        a->second["updatedAt"] = iso_from_ms(env.now_ms);
        ++articles_moved;
      }
      continue;
    }
    auto existing = ws.folders.find(fid);
    if (fid.empty() || existing == ws.folders.end()) {
      resolve(segs, segs.size(), cell(row, c_desc));
      continue;
    }
    std::optional<std::string> parent = resolve(segs, segs.size() - 1, "");
    json want = parent ? json(*parent) : json(nullptr);
    if (existing->second["parentFolderId"] != want) {
      if (parent && is_descendant_or_self(ws, *parent, fid)) {
        ++skipped;
        continue;
      }
      existing->second["parentFolderId"] = want;
      ++moved;
    }
    if (str_or(existing->second, "title") != segs.back()) {
      existing->second["title"] = segs.back();
      ++renamed;
    }
  }
  touch_tree(env, ws);
  return ok({{"status", "success"},
             {"message", "Knowledge tree persisted: " + std::to_string(created) + " folders created, " +
                             std::to_string(moved) + " moved, " + std::to_string(renamed) + " renamed, " +
                             std::to_string(articles_moved) + " articles moved, " + std::to_string(skipped) +
                             " rows skipped"}});
}

}  // namespace

void register_folder_handlers(HandlerMap& m) {
  m["getKnowledgeFolders"] = get_knowledge_folders;
  m["createKnowledgeFolder"] = create_knowledge_folder;
  m["updateKnowledgeFolder"] = update_knowledge_folder;
  m["moveKnowledgeFolder"] = move_knowledge_folder;
  m["deleteKnowledgeFolder"] = delete_knowledge_folder;
  m["assignKnowledgeToAgents"] = assign_knowledge_to_agents;
  m["initializeKnowledgeFolders"] = initialize_knowledge_folders;
  m["persistKnowledgeFolders"] = persist_knowledge_folders;
}

}  // namespace fini::sim
