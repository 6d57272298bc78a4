#include "tools/result_shaper.hpp"

#include <algorithm>
#include <chrono>

#include "common/http_status.hpp"
#include "common/safe_json.hpp"
#include "rest/retry.hpp"
#include "tools/error_texts.hpp"

namespace fini::tools {

using nlohmann::json;

json tool_error(const std::string& text) {
  return json{{"content", json::array({json{{"type", "text"}, {"text", text}}})}, {"isError", true}};
}

namespace {

std::string path_ids(const Manifest& m) {
  std::string ids;
  for (const auto& p : m.params) {
    if (p.location == ParamLocation::kPath) ids += (ids.empty() ? "" : ", ") + p.name;
  }
  return ids;
}

// "Retry after 5 s." from a Retry-After we could parse; the raw header never reaches the text.
std::string retry_hint(const rest::HttpResponse& r) {
  if (!r.retry_after) return {};
  const auto after = rest::parse_retry_after(*r.retry_after, std::chrono::system_clock::now());
  if (!after) return {};
  return std::to_string(std::chrono::ceil<std::chrono::seconds>(*after).count());
}

std::string retried_note(const rest::HttpResponse& r) {
  return r.attempts > 1 ? " fini-mcp already tried " + std::to_string(r.attempts) + " times, so wait a minute first."
                        : std::string();
}

std::string next_step(const Manifest& m, const rest::HttpResponse& r) {
  const int status = r.status;
  const std::string after = retry_hint(r);
  switch (status) {
    case 400: return "The API rejected the arguments; correct them as the message says and call again.";
    case 401:
      return "The Fini API key was rejected (missing, malformed, revoked or invalid). Replace it: run "
             "`fini-mcp login`, or set FINI_API_KEY to a key from the Fini dashboard (Deploy → API Keys), "
             "then call again.";
    case 403:
      return "The key lacks the '" + m.scope +
             "' scope this tool needs, or the ids belong to another "
             "workspace. Use a key with '" +
             m.scope + "' scope (Deploy → API Keys) or check the ids.";
    case 404:
      return path_ids(m).empty()
                 ? "The resource does not exist."
                 : "Nothing exists with that id (" + path_ids(m) + "); list the resources to find a valid one.";
    case 406:
      return "The API refused the target: usually an agent or ids from another workspace, or a move "
             "the folder tree does not allow.";
    case 413: return "The request is too large; send less data per call.";
    case 414: return "The request URI was too long; send fewer or shorter ids or filters per call.";
    case 429:
      return "Rate limited: this is retryable" + (after.empty() ? " after a short wait." : " after " + after + " s.") +
             retried_note(r);
    default: break;
  }
  if (status >= 300 && status < 400) {
    return "The API answered with a redirect, which fini-mcp does not follow (the API key must not go to "
           "another host). Check that --base-url is the API's own address.";
  }
  if (status < 100 || status > 599) {
    return "The API answered with a non-standard status (" + std::to_string(status) +
           "); treat the call as failed and try again later.";
  }
  if (status >= 500) {
    return "Fini answered with a server error; this is retryable." +
           (after.empty() ? std::string() : " Retry after " + after + " s.") + retried_note(r);
  }
  return "The API did not accept the request.";
}

std::string snippet(const std::string& body) {
  std::string s = body.substr(0, 200);
  std::replace_if(
      s.begin(), s.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return s;
}

}  // namespace

namespace {

json error_result(const Manifest& m, const rest::HttpResponse& r) {
  std::string message;
  json envelope = parse_json_safely(r.body).value;
  if (envelope.is_object() && envelope.contains("message")) {
    const auto& msg = envelope["message"];
    message = msg.is_string() ? msg.get<std::string>() : msg.dump();
  } else if (!r.body.empty()) {
    message = snippet(r.body);
  }
  std::string text = "Fini API error " + std::to_string(r.status) + " " + std::string(http_reason_phrase(r.status)) +
                     " (" + m.request.method + " " + m.request.path + ")";
  if (!message.empty()) text += ": " + message;
  text += ". " + next_step(m, r);
  return tool_error(text);
}

json file_result(const Manifest& m, const rest::HttpResponse& r) {
  const std::string mime = r.content_type.empty() ? "application/octet-stream" : r.content_type;
  const std::string uri = "fini://files/" + m.name;
  json text_block{{"type", "text"},
                  {"text", "The API returned a file (" + mime + ", " + std::to_string(r.body.size()) +
                               " bytes); its content follows as an embedded resource.\n\n" + r.body}};
  json resource{{"type", "resource"}, {"resource", {{"uri", uri}, {"mimeType", mime}, {"text", r.body}}}};
  return json{{"content", json::array({text_block, resource})}};
}

// A write answered 2xx was applied: say so, or the model would repeat it.
json unusable_body(const Manifest& m, const rest::HttpResponse& r, const std::string& error) {
  const std::string applied =
      m.read_only() ? " If it persists, the API is misbehaving."
                    : " The status means the change was most likely made: check with a list or get call before "
                      "repeating it.";
  return tool_error("Fini answered " + std::to_string(r.status) + " but the body is not usable JSON (" + error +
                    "; first bytes: \"" + snippet(r.body) + "\")." + applied);
}

// structuredContent from the body, moved (never copied): wrapped, as is, or under "result".
json structured_of(const Manifest& m, json body) {
  if (m.request.wrap.empty() && body.is_object()) return body;
  json structured = json::object();
  structured[m.request.wrap.empty() ? std::string("result") : m.request.wrap] = std::move(body);
  return structured;
}

json shape(const Manifest& m, const rest::HttpResponse& r, std::optional<json> parsed, bool with_text) {
  if (auto text = unknown_id_text(m, r)) return tool_error(*text);
  if (r.status < 200 || r.status >= 300) return error_result(m, r);
  if (m.request.file_response) return file_result(m, r);
  json body;
  if (parsed) {
    body = std::move(*parsed);
  } else if (!r.body.empty()) {
    auto safe = parse_json_safely(r.body);
    if (safe.error) return unusable_body(m, r, *safe.error);
    body = std::move(safe.value);
  }
  json structured = structured_of(m, std::move(body));
  json result = json::object();
  if (with_text) {
    result["content"] = json::array(
        {json{{"type", "text"}, {"text", structured.dump(-1, ' ', false, json::error_handler_t::replace)}}});
  }
  result["structuredContent"] = std::move(structured);
  return result;
}

}  // namespace

json shape_response(const Manifest& m, const rest::HttpResponse& r) { return shape(m, r, r.json_body, true); }

json shape_response(const Manifest& m, rest::HttpResponse& r, bool with_text) {
  std::optional<json> parsed = std::move(r.json_body);
  r.json_body.reset();
  return shape(m, r, std::move(parsed), with_text);
}

json shape_transport_error(const Manifest& m, const Status& status, const std::string& base_url) {
  const std::string what = m.request.method + " " + m.request.path;
  const bool write = m.request.method != "GET";
  switch (status.code()) {
    case Code::kDeadlineExceeded:
      return tool_error("Fini did not answer " + what + " in time (" + status.message() +
                        "). This is retryable; the request may still have been applied, "
                        "so check before repeating a write.");
    case Code::kUnavailable:
      return tool_error("Could not get an answer from the Fini API at " + base_url + ": " + status.message() +
                        ". This is retryable; check the network or --base-url.");
    case Code::kPermissionDenied:
      return tool_error(status.message() + ". fini-mcp runs in read-only mode (--read-only).");
    case Code::kResourceExhausted:
      return tool_error("Fini's answer to " + what + " was not used: " + status.message() +
                        "; ask for less (limit, fields, filters).");
    case Code::kCancelled:
      return tool_error(what + " cancelled; the request was not completed." +
                        (write ? " A write may still have been applied; check before repeating it." : ""));
    default: return tool_error("The request could not be sent: " + status.message());
  }
}

}  // namespace fini::tools
