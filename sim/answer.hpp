#pragma once
// Deterministic "AI" replies for generate-answer: the live article with the best keyword overlap
// grounds the answer (one sentence from it), else the agent escalates.
// Thread-safety: pure function over a Workspace the caller has locked. Never throws.

#include <cstdint>
#include <string>

#include "sim/store.hpp"

namespace fini::sim {

struct Answer {
  std::string text;
  json used_articles = json::array();    // [{id, title, documentUrl}]
  json used_subfolders = json::array();  // [{id, title}]
  bool escalated = false;
};

Answer compose_answer(const Workspace& ws, const std::string& question, int64_t now_ms);

}  // namespace fini::sim
