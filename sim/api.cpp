#include "sim/api.hpp"

#include <algorithm>

#include "common/http_status.hpp"
#include "sim/util.hpp"

namespace fini::sim {

std::string reason_phrase(int status) { return std::string(http_reason_phrase(status)); }

json envelope(int status, const std::string& message) {
  return {{"statusCode", status}, {"message", message}, {"error", reason_phrase(status)}};
}

Reply ok(json body) {
  Reply r;
  r.body = std::move(body);
  return r;
}

Reply error(int status, std::string message) {
  Reply r;
  r.status = status;
  r.body = envelope(status, message);
  return r;
}

const HandlerMap& handler_table() {
  static const HandlerMap kTable = [] {
    HandlerMap m;
    register_conversation_handlers(m);
    register_knowledge_handlers(m);
    register_source_handlers(m);
    register_article_handlers(m);
    register_folder_handlers(m);
    register_rule_handlers(m);
    register_tag_handlers(m);
    register_agent_handlers(m);
    register_profile_only_handlers(m);
    return m;
  }();
  return kTable;
}

Workspace& workspace_of(Env& env, const Call& call) { return env.state.workspaces.at(call.workspace); }

std::optional<std::string> owner_elsewhere(const State& st, const std::string& self,
                                           std::map<std::string, json> Workspace::*collection, const std::string& id) {
  for (const auto& [slug, ws] : st.workspaces) {
    if (slug == self) continue;
    if ((ws.*collection).count(id)) return slug;
  }
  return std::nullopt;
}

std::vector<std::string> query_values(const httplib::Request& req, const std::string& name) {
  std::vector<std::string> out;
  auto range = req.params.equal_range(name);
  for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
  return out;
}

std::optional<std::string> query_value(const httplib::Request& req, const std::string& name) {
  auto it = req.params.find(name);
  if (it == req.params.end()) return std::nullopt;
  return it->second;
}

Fields::Fields(const json& body) {
  if (body.is_object()) {
    obj_ = &body;
  } else {
    error_ = "request body must be a JSON object";
  }
}

const json* Fields::field(const char* name) const {
  if (!obj_) return nullptr;
  auto it = obj_->find(name);
  if (it == obj_->end() || it->is_null()) return nullptr;
  return &*it;
}

bool Fields::has(const char* name) const { return field(name) != nullptr; }

void Fields::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
}

std::string Fields::str(const char* name, bool required, bool non_empty) {
  const json* v = field(name);
  if (!v) {
    if (required) fail(std::string(name) + " is required");
    return {};
  }
  if (!v->is_string()) {
    fail(std::string(name) + " must be a string");
    return {};
  }
  std::string s = v->get<std::string>();
  if (non_empty && trim(s).empty()) fail(std::string(name) + " should not be empty");
  return s;
}

std::optional<std::string> Fields::opt_str(const char* name) {
  if (!has(name)) return std::nullopt;
  std::string s = str(name, false);
  if (failed()) return std::nullopt;
  return s;
}

std::optional<bool> Fields::opt_bool(const char* name) {
  const json* v = field(name);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    fail(std::string(name) + " must be a boolean");
    return std::nullopt;
  }
  return v->get<bool>();
}

bool Fields::boolean(const char* name, bool required, bool fallback) {
  if (!has(name)) {
    if (required) fail(std::string(name) + " is required");
    return fallback;
  }
  return opt_bool(name).value_or(fallback);
}

json Fields::array(const char* name, bool required, bool non_empty) {
  const json* v = field(name);
  if (!v) {
    if (required) fail(std::string(name) + " is required");
    return json::array();
  }
  if (!v->is_array()) {
    fail(std::string(name) + " must be an array");
    return json::array();
  }
  if (non_empty && v->empty()) fail(std::string(name) + " should not be empty");
  return *v;
}

std::vector<std::string> Fields::str_array(const char* name, bool required, bool non_empty) {
  json arr = array(name, required, non_empty);
  std::vector<std::string> out;
  for (const auto& e : arr) {
    if (!e.is_string()) {
      fail(std::string("each value in ") + name + " must be a string");
      return {};
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

json Fields::object(const char* name, bool required) {
  const json* v = field(name);
  if (!v) {
    if (required) fail(std::string(name) + " is required");
    return json::object();
  }
  if (!v->is_object()) {
    fail(std::string(name) + " must be an object");
    return json::object();
  }
  return *v;
}

std::optional<int64_t> Fields::opt_int(const char* name) {
  const json* v = field(name);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) {
    fail(std::string(name) + " must be an integer");
    return std::nullopt;
  }
  return v->get<int64_t>();
}

void Fields::one_of(const char* name, const std::string& value, const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  fail(std::string(name) + " must be one of the following values: " + list);
}

ArticleContent read_article_content(Fields& f) {
  ArticleContent c;
  c.title = f.str("title", true, true);
  c.main_knowledge = f.str("mainKnowledge", true, true);
  c.agent_instruction = f.str("agentInstruction", true);
  c.questions = f.str_array("questions", true, true);
  c.keywords = f.str_array("keywords", true, true);
  c.escalation = f.boolean("escalation", true);
  c.active = f.opt_bool("active");
  c.is_public = f.opt_bool("public");
  c.origin = f.opt_str("origin");
  return c;
}

void apply_article_content(json& a, const ArticleContent& c) {
  a["title"] = c.title;
  a["mainKnowledge"] = c.main_knowledge;
  a["agentInstruction"] = c.agent_instruction;
  a["questions"] = c.questions;
  a["keywords"] = c.keywords;
  a["escalation"] = c.escalation;
  if (c.active) a["active"] = *c.active;
  if (c.is_public) a["public"] = *c.is_public;
}

}  // namespace fini::sim
