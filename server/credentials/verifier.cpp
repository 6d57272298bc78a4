#include "credentials/verifier.hpp"

#include <spdlog/spdlog.h>

#include "credentials/key_format.hpp"

namespace fini::credentials {

namespace {

constexpr const char* kReadProbe = "/v2/bots/public";
constexpr const char* kWriteProbe = "/v2/hc-rules/public";

Status unexpected(int status, const char* what) {
  return unavailable("unexpected answer HTTP " + std::to_string(status) + " from Fini while checking " + what +
                     "; try again later");
}

}  // namespace

std::string scopes_text(const std::set<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "none" : out;
}

Result<KeyCheck> probe_key(rest::HttpClient& http, const std::string& key) {
  KeyCheck check;
  rest::HttpRequest read;
  read.method = "GET";
  read.path = kReadProbe;
  read.bearer_token = key;
  auto r = http.send(read);
  if (!r.ok()) return r.status();
  if (r->status == 401) return Status(Code::kUnauthenticated, "Fini rejected the key (HTTP 401 Unauthorized)");
  if (r->status >= 200 && r->status < 300) {
    check.scopes.insert("read");
    const auto body = nlohmann::json::parse(r->body, nullptr, false);
    if (!body.is_discarded() && body.is_array()) check.agents = body;
  } else if (r->status != 403) {
    return unexpected(r->status, "the key");
  }

  rest::HttpRequest write;
  write.method = "POST";
  write.path = kWriteProbe;
  write.body = "{}";
  write.content_type = "application/json";
  write.bearer_token = key;
  auto w = http.send(write);
  if (!w.ok()) {
    if (w.status().code() == Code::kPermissionDenied) {  // --read-only guard: write is moot anyway
      check.write_known = false;
      return check;
    }
    return w.status();
  }
  if (w->status == 401) return Status(Code::kUnauthenticated, "Fini rejected the key (HTTP 401 Unauthorized)");
  if (w->status == 400 || w->status == 422) {
    check.scopes.insert("write");
  } else if (w->status >= 200 && w->status < 300) {
    // Should not happen (the body lacks required fields); if it did, the key can write.
    spdlog::warn("the write-scope probe POST {} unexpectedly succeeded (HTTP {})", kWriteProbe, w->status);
    check.scopes.insert("write");
  } else if (w->status != 403) {
    return unexpected(w->status, "the key's write scope");
  }
  return check;
}

Result<KeyCheck> check_key(rest::HttpClient& http, const std::string& key, const std::string& base_url) {
  if (auto problem = config_problem(key)) return invalid_argument("configuration problem: " + *problem);
  if (auto s = check_key_format(key); !s.ok()) return s;
  auto check = probe_key(http, key);
  if (check.ok()) {
    if (check->scopes.empty()) {
      return Status(Code::kPermissionDenied,
                    "Fini accepted the key but it has neither read nor write scope; create a key with the "
                    "scopes you need in the Fini dashboard (Deploy → API Keys)");
    }
    return check;
  }
  const Status& s = check.status();
  switch (s.code()) {
    case Code::kUnauthenticated:
      return Status(Code::kUnauthenticated,
                    "Fini rejected this key (HTTP 401): it is malformed, revoked or belongs to no workspace. "
                    "Copy the key again from the Fini dashboard (Deploy → API Keys).");
    case Code::kUnavailable:
    case Code::kDeadlineExceeded:
      return Status(s.code(), "could not check the key with Fini at " + base_url + ": " + s.message());
    default:
      return Status(s.code(), "could not check the key with Fini at " + base_url + ": " + s.message());
  }
}

}  // namespace fini::credentials
