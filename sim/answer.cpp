#include "sim/answer.hpp"

#include <set>

#include "sim/util.hpp"

namespace fini::sim {

namespace {
size_t overlap(const std::set<std::string>& q, const std::vector<std::string>& words) {
  std::set<std::string> seen;
  size_t n = 0;
  for (const auto& w : words) {
    if (q.count(w) && seen.insert(w).second) ++n;
  }
  return n;
}

std::vector<std::string> sentences(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    cur.push_back(text[i]);
    bool end = (text[i] == '.' || text[i] == '!' || text[i] == '?') && (i + 1 == text.size() || text[i + 1] == ' ');
    if (end) {
      out.push_back(trim(cur));
      cur.clear();
    }
  }
  if (!trim(cur).empty()) out.push_back(trim(cur));
  return out;
}
}  // namespace

Answer compose_answer(const Workspace& ws, const std::string& question, int64_t now_ms) {
  auto qwords = keywords_of(question);
  std::set<std::string> q(qwords.begin(), qwords.end());
  const json* best = nullptr;
  size_t best_score = 0;
  for (const auto& [id, a] : ws.articles) {
    if (a.value("isDraft", false) || !a.value("active", true) || !article_visible(a, now_ms)) continue;
    std::vector<std::string> kw;
    for (const auto& k : a.value("keywords", json::array())) {
      if (k.is_string()) {
        for (auto& w : keywords_of(k.get<std::string>())) kw.push_back(w);
      }
    }
    std::string body = str_or(a, "mainKnowledge");
    for (const auto& qq : a.value("questions", json::array())) {
      if (qq.is_string()) body += " " + qq.get<std::string>();
    }
    size_t score = 3 * overlap(q, kw) + 2 * overlap(q, keywords_of(str_or(a, "title"))) + overlap(q, keywords_of(body));
    // Strictly greater: ties keep the lowest id (map order), so replies are deterministic.
    if (score > best_score) {
      best_score = score;
      best = &a;
    }
  }
  Answer ans;
  if (!best || best_score < 2) {
    ans.text = "I'm not sure about that yet. Let me connect you with a human agent.";
    ans.escalated = true;
    return ans;
  }
  std::string pick;
  size_t pick_score = 0;
  for (const auto& s : sentences(str_or(*best, "mainKnowledge"))) {
    size_t sc = overlap(q, keywords_of(s));
    if (pick.empty() || sc > pick_score) {
      pick = s;
      pick_score = sc;
    }
  }
  ans.text = pick;
  ans.used_articles.push_back(
      {{"id", str_or(*best, "id")}, {"title", str_or(*best, "title")}, {"documentUrl", nullptr}});
  auto folder = ws.folders.find(str_or(*best, "parentFolderId"));
  if (folder != ws.folders.end()) {
    ans.used_subfolders.push_back({{"id", folder->first}, {"title", str_or(folder->second, "title")}});
  }
  if (best->value("escalation", false)) {
    ans.text += " I am handing you over to a human agent.";
    ans.escalated = true;
  }
  return ans;
}

}  // namespace fini::sim
