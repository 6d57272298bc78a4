#include "mcp/request_state.hpp"

#include "common/crypto.hpp"
#include "common/hex.hpp"

namespace fini::mcp {

using Json = nlohmann::json;

namespace {

constexpr const char* kType = "request-state";

// Length-prefixed fields: no two different bindings digest alike. The caller is never sealed
// itself (even encrypted), only this digest.
std::string binding_digest(const StateBinding& b) {
  std::string input;
  for (const std::string* part : {&b.method, &b.params_digest, &b.principal}) {
    input += std::to_string(part->size()) + ":" + *part + ";";
  }
  return base64url_encode(sha256(input));
}

long long now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string digest_params(const Json& params) {
  Json salient = params.is_object() ? params : Json::object();
  for (const char* k : {"_meta", "inputResponses", "requestState"}) salient.erase(k);
  return sha256_hex(salient.dump(-1, ' ', false, Json::error_handler_t::replace));
}

std::string seal_state(const KeyRing& ring, const Json& answers, const StateBinding& binding,
                       std::chrono::seconds ttl) {
  const Json body{{"v", 2}, {"exp", now_s() + ttl.count()}, {"bind", binding_digest(binding)}, {"answers", answers}};
  return ring.seal(kType, body).value_or("");
}

std::optional<Json> open_state(const KeyRing& ring, const std::string& state, const StateBinding& binding) {
  auto body = ring.open(kType, state);
  if (!body || !body->is_object() || body->value("v", 0) != 2) return std::nullopt;
  const auto exp = body->find("exp");
  if (exp == body->end() || !exp->is_number_integer() || exp->get<long long>() < now_s()) return std::nullopt;
  const auto bind = body->find("bind");
  if (bind == body->end() || !bind->is_string() ||
      !equal_constant_time(bind->get<std::string>(), binding_digest(binding))) {
    return std::nullopt;
  }
  auto answers = body->find("answers");
  if (answers == body->end() || !answers->is_object()) return std::nullopt;
  return *answers;
}

}  // namespace fini::mcp
