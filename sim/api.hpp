#pragma once
// Internal plumbing shared by the endpoint handlers: the call context, the reply, the
// {statusCode,message,error} envelope and body/query validation helpers.
// Thread-safety: handlers run under the Sandbox's state lock (shared for read routes, exclusive for
// write routes). Handlers never throw on bad input: every type problem becomes a 400 reply.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "sim/routes.hpp"
#include "sim/store.hpp"

namespace fini::sim {

struct Env {
  State& state;
  int64_t now_ms;
  int64_t job_step_ms;
  bool ignore_agent_filter = false;  // --ignore-agent-filter (a real API that drops the filter)
};

struct Call {
  const RouteInfo* route = nullptr;
  std::vector<std::string> params;  // path placeholders
  const httplib::Request* req = nullptr;
  json body;              // parsed JSON body; null when none was sent
  std::string workspace;  // the key's workspace
};

struct Reply {
  int status = 200;
  json body;
  std::optional<std::string> raw;  // non-JSON payload (tree initialize CSV)
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

std::string reason_phrase(int status);
json envelope(int status, const std::string& message);
Reply ok(json body);
Reply error(int status, std::string message);

using Handler = Reply (*)(Env&, const Call&);
using HandlerMap = std::map<std::string, Handler>;  // operationId -> handler
const HandlerMap& handler_table();

void register_conversation_handlers(HandlerMap& m);
void register_knowledge_handlers(HandlerMap& m);
void register_source_handlers(HandlerMap& m);
void register_article_handlers(HandlerMap& m);
void register_folder_handlers(HandlerMap& m);
void register_rule_handlers(HandlerMap& m);
void register_tag_handlers(HandlerMap& m);
void register_agent_handlers(HandlerMap& m);
void register_profile_only_handlers(HandlerMap& m);

Workspace& workspace_of(Env& env, const Call& call);
// The workspace (other than `self`) that owns an id in the given collection, if any.
std::optional<std::string> owner_elsewhere(const State& st, const std::string& self,
                                           std::map<std::string, json> Workspace::*collection, const std::string& id);

// Query helpers: repeated params come back in order.
std::vector<std::string> query_values(const httplib::Request& req, const std::string& name);
std::optional<std::string> query_value(const httplib::Request& req, const std::string& name);

// Validates fields of a JSON object body; remembers the first problem as a 400 message.
// Keeps a pointer to body: the body must outlive the Fields (never pass a temporary).
class Fields {
 public:
  explicit Fields(const json& body);
  explicit Fields(json&&) = delete;

  bool has(const char* name) const;
  std::string str(const char* name, bool required, bool non_empty = false);
  std::optional<std::string> opt_str(const char* name);
  std::optional<bool> opt_bool(const char* name);
  bool boolean(const char* name, bool required, bool fallback = false);
  std::vector<std::string> str_array(const char* name, bool required, bool non_empty = false);
  json array(const char* name, bool required, bool non_empty = false);
  json object(const char* name, bool required);
  std::optional<int64_t> opt_int(const char* name);
  // Fails unless value is one of allowed.
  void one_of(const char* name, const std::string& value, const std::vector<std::string>& allowed);
  void fail(std::string message);

  bool failed() const { return !error_.empty(); }
  const std::string& message() const { return error_; }
  Reply reply() const { return error(400, error_); }

 private:
  const json* field(const char* name) const;
  const json* obj_ = nullptr;
  std::string error_;
};

// Article content fields shared by create/update/draft/publish.
struct ArticleContent {
  std::string title, main_knowledge, agent_instruction;
  std::vector<std::string> questions, keywords;
  bool escalation = false;
  std::optional<bool> active, is_public;
  std::optional<std::string> origin;
};
ArticleContent read_article_content(Fields& f);
void apply_article_content(json& article, const ArticleContent& c);

}  // namespace fini::sim
