#include "credentials/verifier.hpp"

#include "common/safe_json.hpp"
#include "credentials/key_format.hpp"

namespace fini::credentials {

namespace {

constexpr const char* kReadProbe = "/v2/bots/public";

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
    const auto body = parse_json_safely(r->body).value;
    if (body.is_array()) check.agents = body;
  } else if (r->status != 403) {
    return unexpected(r->status, "the key");
  }

  return check;
}

std::string access_text(const KeyCheck& check) {
  return std::string(check.scopes.count("read") ? "it can read this workspace" : "it cannot read this workspace") +
         "; write access is checked on the first change you make";
}

Result<KeyCheck> check_key(rest::HttpClient& http, const std::string& key, const std::string& base_url) {
  if (auto problem = config_problem(key)) return invalid_argument("configuration problem: " + *problem);
  if (auto s = check_key_format(key); !s.ok()) return s;
  auto check = probe_key(http, key);
  if (check.ok()) return check;
  const Status& s = check.status();
  switch (s.code()) {
    case Code::kUnauthenticated:
      return Status(Code::kUnauthenticated,
                    "Fini rejected this key (HTTP 401): it is malformed, revoked or belongs to no workspace. "
                    "Copy the key again from the Fini dashboard (Deploy → API Keys).");
    case Code::kUnavailable:
    case Code::kDeadlineExceeded:
      return Status(s.code(), "could not check the key with Fini at " + base_url + ": " + s.message());
    default: return Status(s.code(), "could not check the key with Fini at " + base_url + ": " + s.message());
  }
}

}  // namespace fini::credentials
