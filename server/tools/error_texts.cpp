#include "tools/error_texts.hpp"

#include "common/http_status.hpp"

namespace fini::tools {

using nlohmann::json;

namespace {

constexpr long long kSmallestMilliseconds = 100'000'000'000LL;  // 10^11 ms = 1973-03-03

std::string route(const Manifest& m) { return m.request.method + " " + m.request.path; }

bool null_body(const std::string& body) {
  const json parsed = json::parse(body, nullptr, false);
  return body.empty() || parsed.is_null();
}

}  // namespace

std::optional<std::string> unknown_id_text(const Manifest& m, const rest::HttpResponse& r) {
  if (!m.request.unknown_id) return std::nullopt;
  const UnknownIdSpec& u = *m.request.unknown_id;
  const bool answered_500 = u.answers == "500" && r.status == 500;
  const bool answered_null = u.answers == "null" && r.status >= 200 && r.status < 300 && null_body(r.body);
  if (!answered_500 && !answered_null) return std::nullopt;
  return "No such " + u.what + "; list them with " + u.list_with + " and call again with an id from there. (" +
         route(m) + " answers " + (answered_500 ? "500" : "null") +
         " when the id is unknown, deleted or in "
         "another workspace.)";
}

std::vector<std::string> epoch_ms_errors(const Manifest& m, const json& arguments) {
  std::vector<std::string> out;
  for (const auto& p : m.params) {
    if (!p.epoch_ms) continue;
    auto it = arguments.find(p.name);
    if (it == arguments.end() || !it->is_number_integer() || it->get<long long>() >= kSmallestMilliseconds) continue;
    const std::string n = it->dump();
    out.push_back("/" + p.name + ": " + n + ": this looks like seconds; Fini wants milliseconds: " + n + "000");
  }
  return out;
}

std::string earlier_attempt_text(const Manifest& m, int earlier_status) {
  const std::string got = earlier_status == 0
                              ? "lost its connection after the request was sent"
                              : "got HTTP " + std::to_string(earlier_status) +
                                    (earlier_status / 100 == 2 ? std::string(" with an answer that was cut short")
                                                               : " " + std::string(http_reason_phrase(earlier_status)));
  const std::string check = m.request.unknown_id ? m.request.unknown_id->list_with : "the matching list or get tool";
  return "An earlier attempt of this call (" + route(m) + ") " + got +
         ", so the change may have been applied already; fini-mcp retried, and the retry's answer follows. Check "
         "with " +
         check + " before repeating it.";
}

std::string key_rejected_text(const Manifest& m, const rest::HttpResponse& r, const std::string& source_note) {
  std::string text = "Fini API error " + std::to_string(r.status) + " " + std::string(http_reason_phrase(r.status)) +
                     " (" + route(m) + "): the API key was rejected (revoked or invalid).";
  return text + " " + source_note;
}

}  // namespace fini::tools
