#include "tools/text_scan.hpp"

#include <array>

namespace fini::tools {

namespace {

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alpha(char c) { return is_lower(c) || is_upper(c); }
bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }
bool is_word(char c) { return is_alnum(c) || c == '_'; }  // what \b separates

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// s is exactly Id, Ids, IdToAdd, IdsToAdd, IdToRefresh or IdsToRefresh after a non-empty head
// (the head's characters are the caller's to check).
constexpr std::array<std::string_view, 6> kIdTails = {"Id",       "Ids",         "IdToAdd",
                                                      "IdsToAdd", "IdToRefresh", "IdsToRefresh"};

}  // namespace

std::string without_wire_notes(std::string_view text) {
  constexpr std::string_view kOpen = "(Fini: ";
  std::string out;
  out.reserve(text.size());
  std::size_t from = 0;
  for (;;) {
    const std::size_t open = text.find(kOpen, from);
    const std::size_t close = open == std::string_view::npos ? open : text.find(')', open + kOpen.size());
    if (close == std::string_view::npos) break;  // no note left (a later "(Fini: " has no ')' either)
    out.append(text.substr(from, open - from));
    from = close + 1;
  }
  out.append(text.substr(from));
  return out;
}

std::vector<IdWord> id_like_words(std::string_view text) {
  std::vector<IdWord> out;
  int depth = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_word(text[i])) {
      depth += text[i] == '{' ? 1 : text[i] == '}' ? -1 : 0;
      ++i;
      continue;
    }
    // A run of word characters: a match starts at its first character and ends at its last
    // (\b on both sides), so the whole run is the candidate; '_' inside it rules it out.
    std::size_t end = i;
    bool alnum_only = true;
    for (; end < text.size() && is_word(text[end]); ++end) {
      if (text[end] == '_') alnum_only = false;
    }
    const std::string_view run = text.substr(i, end - i);
    if (alnum_only && is_lower(run.front())) {
      for (auto tail : kIdTails) {
        if (run.size() > tail.size() && ends_with(run, tail)) {
          out.push_back({std::string(run), depth > 0});
          break;
        }
      }
    }
    i = end;
  }
  return out;
}

bool id_like_name(std::string_view name) {
  if (name == "id" || name == "ids") return true;
  // Some "Id" whose rest is "", "s", or either followed by To[A-Z][A-Za-z]*.
  auto rest_ok = [](std::string_view rest) {
    if (rest.empty()) return true;
    if (rest.size() < 3 || rest.substr(0, 2) != "To" || !is_upper(rest[2])) return false;
    for (char c : rest.substr(3)) {
      if (!is_alpha(c)) return false;
    }
    return true;
  };
  for (std::size_t at = name.find("Id"); at != std::string_view::npos; at = name.find("Id", at + 1)) {
    const std::string_view rest = name.substr(at + 2);
    if (rest_ok(rest) || (!rest.empty() && rest.front() == 's' && rest_ok(rest.substr(1)))) return true;
  }
  return false;
}

bool canonical_id_name(std::string_view name) {
  for (std::string_view head : {"parentFolderId", "parentRuleId", "defaultFolderId", "defaultRuleId"}) {
    if (name == head) return true;
  }
  constexpr std::string_view kConcepts[] = {"agent", "conversation", "source", "article", "folder",
                                            "rule",  "tagGroup",     "tag",    "job",     "event"};
  for (auto concept_name : kConcepts) {
    if (name.size() <= concept_name.size() || name.substr(0, concept_name.size()) != concept_name) continue;
    const std::string_view rest = name.substr(concept_name.size());
    for (auto tail : kIdTails) {
      if (rest == tail) return true;
    }
  }
  return false;
}

std::vector<Placeholder> placeholders_in(std::string_view text) {
  std::vector<Placeholder> out;
  auto name_end = [&](std::size_t from) {
    std::size_t end = from;
    while (end < text.size() && is_word(text[end])) ++end;
    return end;
  };
  std::size_t i = 0;
  while ((i = text.find('{', i)) != std::string_view::npos) {
    // (count:)? is tried first: "{count:x}" names x; "{count}" names count.
    std::size_t start = text.compare(i + 1, 6, "count:") == 0 ? i + 7 : i + 1;
    std::size_t end = name_end(start);
    if ((end == start || end >= text.size() || text[end] != '}') && start != i + 1) {
      start = i + 1;
      end = name_end(start);
    }
    if (end == start || end >= text.size() || text[end] != '}') {
      ++i;
      continue;
    }
    out.push_back({std::string(text.substr(i + 1, end - i - 1)), std::string(text.substr(start, end - start))});
    i = end + 1;
  }
  return out;
}

}  // namespace fini::tools
