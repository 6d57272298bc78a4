#include "mcp/modern_era.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <set>
#include <variant>

#include "common/version.hpp"
#include "mcp/modern_headers.hpp"
#include "mcp/request_state.hpp"

namespace fini::mcp {

using jsonrpc::Error;
using jsonrpc::make_error;

namespace {

// Methods of 2025-11-25 that 2026-07-28 removed: a modern request for them is "not found".
const std::set<std::string> kRemoved = {"initialize",
                                        "ping",
                                        "logging/setLevel",
                                        "resources/subscribe",
                                        "resources/unsubscribe",
                                        "notifications/initialized"};

struct CachePolicy {
  long long ttl_ms;
  const char* scope;
};
// CacheableResult fields (server/utilities/caching.mdx). The tool surface follows what the
// caller's key may do (private, re-fetch at will); skills and the server's description are the
// same for everyone and change only with a new release.
const std::map<std::string, CachePolicy> kCaching = {{"server/discover", {3600000, "public"}},
                                                     {"tools/list", {0, "private"}},
                                                     {"prompts/list", {3600000, "public"}},
                                                     {"resources/list", {3600000, "public"}},
                                                     {"resources/templates/list", {3600000, "public"}},
                                                     {"resources/read", {3600000, "public"}}};

Json server_info(const Dispatcher& d) {
  return Json{{"name", kServerName}, {"title", d.options().server_title}, {"version", kVersion}};
}

// The answers a request carries: those sealed in its requestState plus the new inputResponses.
// Answers count only with a state we issued for this very request and caller.
std::variant<Json, Error> gathered_answers(const KeyRing& ring, const jsonrpc::Request& request,
                                           const StateBinding& binding) {
  const Json& params = request.params;
  auto state = params.find("requestState");
  if (state == params.end() || state->is_null()) return Json::object();
  if (!state->is_string())
    return Error{jsonrpc::kInvalidParams, "Invalid params: requestState must be a string", nullptr};
  auto answers = open_state(ring, state->get<std::string>(), binding);
  if (!answers) {
    return Error{jsonrpc::kInvalidParams,
                 "Invalid params: requestState is not one this server issued for this request (altered, expired, or "
                 "from another request); send the request again without it",
                 nullptr};
  }
  auto responses = params.find("inputResponses");
  if (responses != params.end() && !responses->is_null()) {
    if (!responses->is_object())
      return Error{jsonrpc::kInvalidParams, "Invalid params: inputResponses must be an object", nullptr};
    for (auto it = responses->begin(); it != responses->end(); ++it) (*answers)[it.key()] = it.value();
  }
  return std::move(*answers);
}

// A structurally valid answer to what we ask (elicitation/create): an ElicitResult object.
bool valid_answer(const std::string& method, const Json& answer) {
  if (method != "elicitation/create") return false;
  if (!answer.is_object() || !answer.contains("action") || !answer["action"].is_string()) return false;
  const std::string action = answer["action"].get<std::string>();
  if (action != "accept" && action != "decline" && action != "cancel") return false;
  return !answer.contains("content") || answer["content"].is_object();
}

// The transport's context for one modern request. Asks (CallContext::request) never reach the
// client as requests: they are answered from the retry's inputResponses or recorded, and the
// call stops (the pipeline sends nothing when an ask fails). Logs go out only at or above the
// request's own _meta log level.
class ModernCallContext final : public CallContext {
 public:
  ModernCallContext(CallContext& inner, const CheckedCall& call, Json answers)
      : inner_(inner), call_(call), answers_(std::move(answers)) {}

  const CancelToken& cancel_token() const override { return inner_.cancel_token(); }
  void progress(double value, std::optional<double> total, const std::string& message) override {
    inner_.progress(value, total, message);
  }
  void log(LogLevel level, const std::string& logger, const Json& data) override {
    if (!call_.log_level || level < *call_.log_level) return;
    Json params{{"level", log_level_name(level)}, {"data", data}};
    if (!logger.empty()) params["logger"] = logger;
    inner_.notify("notifications/message", std::move(params));
  }
  const ClientInfo& client() const override { return call_.client; }
  const CallKey& call_key() const override { return inner_.call_key(); }
  void upstream_answered(int status) override {
    reached_upstream_ = true;
    inner_.upstream_answered(status);
  }
  void notify(const std::string& method, const Json& params) override {
    // URL elicitation completes by the client's retry in this era; nothing to announce.
    if (method == "notifications/elicitation/complete") return;
    inner_.notify(method, params);
  }

  Result<Json> request(const std::string& method, const Json& params, std::chrono::milliseconds) override {
    Json ask = params;
    if (method == "elicitation/create" && ask.is_object()) ask.erase("elicitationId");  // gone in 2026-07-28
    // Content-addressed key: the same question gets the same key on every round, whatever else
    // the call asked before it.
    const std::string key = "fini-" + digest_params(Json{{"method", method}, {"params", ask}}).substr(0, 16);
    if (auto it = answers_.find(key); it != answers_.end() && valid_answer(method, *it)) {
      // A URL-mode answer has no content (the user acted on the page): carry only the action,
      // so nothing a client pasted into it is ever sealed into a requestState.
      used_[key] = ask.is_object() && ask.value("mode", "") == "url" ? Json{{"action", (*it)["action"]}} : *it;
      return *it;
    }
    asks_[key] = Json{{"method", method}, {"params", std::move(ask)}};
    return Status(Code::kFailedPrecondition, "input required: " + method);
  }

  // An ask went unanswered and nothing reached Fini: the call can be repeated with the answers.
  // (Had the pipeline gone on and sent something, its real result stands: a retry must never
  // send twice.)
  bool needs_input() const { return !asks_.empty() && !reached_upstream_; }
  const Json& asks() const { return asks_; }
  const Json& used() const { return used_; }

 private:
  CallContext& inner_;
  const CheckedCall& call_;
  Json answers_;
  Json asks_ = Json::object();
  Json used_ = Json::object();
  bool reached_upstream_ = false;
};

}  // namespace

namespace {

std::shared_ptr<const KeyRing> process_ring() {
  auto ring = KeyRing::ephemeral();
  if (!ring.ok()) return std::make_shared<const KeyRing>();  // no randomness: nothing seals, nothing opens
  return std::make_shared<const KeyRing>(std::move(*ring));
}

}  // namespace

Modern2026::Modern2026(Dispatcher& dispatcher, std::shared_ptr<const KeyRing> sealing)
    : dispatcher_(dispatcher), sealing_(sealing ? std::move(sealing) : process_ring()) {}

bool Modern2026::is_modern(const jsonrpc::Request& request) { return modern::is_modern(request.params); }

Checked Modern2026::check(jsonrpc::Request request, const MessageHeaders* headers) {
  auto meta = modern::read_meta(request.params);
  if (headers != nullptr) {
    if (auto bad = modern::check_headers(*headers, request, meta)) {
      return Refusal{make_error(request.id, *bad), Refusal::Kind::kInvalid};
    }
  }
  if (auto* error = std::get_if<Error>(&meta)) return Refusal{make_error(request.id, *error), Refusal::Kind::kInvalid};
  if (request.method != "server/discover" &&
      (kRemoved.count(request.method) > 0 || !dispatcher_.knows(request.method))) {
    return Refusal{
        make_error(request.id, Error{jsonrpc::kMethodNotFound, "Method not found: " + request.method, nullptr}),
        Refusal::Kind::kUnknownMethod};
  }
  std::string tool;
  if (Dispatcher::is_tool_call(request.method)) {
    if (auto bad = dispatcher_.check_call(request))
      return Refusal{finish(request, std::move(*bad)), Refusal::Kind::kAnswer};
    tool = request.params["name"].get<std::string>();
  }
  auto& read = std::get<modern::RequestMeta>(meta);
  return CheckedCall{std::move(request), std::move(read.client), read.log_level, std::move(read.progress_token),
                     std::move(tool)};
}

Json Modern2026::handle(const CheckedCall& call, CallContext& ctx) {
  if (call.request.method == "server/discover") return discover(call.request);
  return run(call, ctx, false);
}

Json Modern2026::call_tool(const CheckedCall& call, CallContext& ctx) { return run(call, ctx, true); }

Json Modern2026::run(const CheckedCall& call, CallContext& ctx, bool tool_call) {
  const jsonrpc::Request& request = call.request;
  const StateBinding binding{request.method, digest_params(request.params), ctx.call_key().identity()};
  auto answers = gathered_answers(*sealing_, request, binding);
  if (auto* error = std::get_if<Error>(&answers)) return make_error(request.id, *error);
  ModernCallContext mctx(ctx, call, std::get<Json>(std::move(answers)));
  Json reply;
  if (tool_call) {
    reply = dispatcher_.call_tool(request, mctx);
  } else {
    Caller caller;
    caller.context = &mctx;
    reply = dispatcher_.handle(request, caller);
  }
  if (mctx.needs_input()) {
    // Whatever the pipeline made of the unanswered ask is dropped: nothing was sent, and the
    // client answers the asks and repeats the request.
    Json result{{"resultType", "input_required"},
                {"inputRequests", mctx.asks()},
                {"requestState", seal_state(*sealing_, mctx.used(), binding)}};
    result["_meta"] = Json{{modern::kServerInfoKey, server_info(dispatcher_)}};
    return jsonrpc::make_result(request.id, std::move(result));
  }
  return finish(request, std::move(reply));
}

Json Modern2026::finish(const jsonrpc::Request& request, Json reply) const {
  if (auto error = reply.find("error"); error != reply.end() && error->is_object()) {
    if (error->value("code", 0) == modern::kLegacyResourceNotFound) {
      (*error)["code"] = jsonrpc::kInvalidParams;  // 2026-07-28: resource not found is -32602 with data.uri
      if (request.params.is_object() && request.params.contains("uri"))
        (*error)["data"] = Json{{"uri", request.params["uri"]}};
    }
    return reply;
  }
  auto result = reply.find("result");
  if (result == reply.end() || !result->is_object()) return reply;
  if (!result->contains("resultType")) (*result)["resultType"] = "complete";
  if (!result->contains("_meta") || !(*result)["_meta"].is_object()) (*result)["_meta"] = Json::object();
  (*result)["_meta"][modern::kServerInfoKey] = server_info(dispatcher_);
  if (auto cache = kCaching.find(request.method); cache != kCaching.end()) {
    (*result)["ttlMs"] = cache->second.ttl_ms;
    (*result)["cacheScope"] = cache->second.scope;
  }
  return reply;
}

Json Modern2026::discover(const jsonrpc::Request& request) const {
  // Only what the handlers do in this era: no list_changed (there is no subscriptions/listen),
  // no subscribe, no completions, no logging (no tool logs to the client; the process log stays
  // on stderr, and a _meta logLevel is accepted and checked all the same).
  Json capabilities{{"tools", Json::object()}};
  if (dispatcher_.knows("prompts/list")) capabilities["prompts"] = Json::object();
  if (dispatcher_.knows("resources/list")) capabilities["resources"] = Json::object();
  Json versions = Json::array();
  for (auto v : modern::kServedVersions) versions.push_back(std::string(v));
  Json result{{"supportedVersions", std::move(versions)}, {"capabilities", std::move(capabilities)}};
  if (!dispatcher_.options().instructions.empty()) result["instructions"] = dispatcher_.options().instructions;
  return finish(request, jsonrpc::make_result(request.id, std::move(result)));
}

}  // namespace fini::mcp
