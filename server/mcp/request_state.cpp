#include "mcp/request_state.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cctype>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace fini::mcp {

using Json = nlohmann::json;

namespace {

constexpr std::size_t kMaxState = 16 * 1024;  // a state beyond this is not one we issued

const std::string& secret() {
  static const std::string value = [] {
    if (const char* env = std::getenv("FINI_MCP_STATE_SECRET"); env != nullptr) {
      if (std::string(env).size() >= 16) return std::string(env);
      spdlog::warn("FINI_MCP_STATE_SECRET is shorter than 16 characters; using a random per-process secret");
    }
    std::string random(32, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(random.data()), static_cast<int>(random.size())) != 1) {
      throw std::runtime_error("no randomness for the request-state secret");
    }
    return random;
  }();
  return value;
}

std::string b64url(const unsigned char* data, std::size_t size) {
  std::vector<unsigned char> out(4 * ((size + 2) / 3) + 1);
  const int n = EVP_EncodeBlock(out.data(), data, static_cast<int>(size));
  std::string s(reinterpret_cast<char*>(out.data()), static_cast<std::size_t>(n));
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

std::optional<std::string> unb64url(std::string s) {
  for (char& c : s) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (!std::isalnum(static_cast<unsigned char>(c))) return std::nullopt;
  }
  const std::size_t pad = (4 - s.size() % 4) % 4;
  if (pad == 3) return std::nullopt;
  s.append(pad, '=');
  std::vector<unsigned char> out(s.size() / 4 * 3 + 1);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n < 0) return std::nullopt;
  return std::string(reinterpret_cast<char*>(out.data()), static_cast<std::size_t>(n) - pad);
}

std::string tag(const std::string& payload, const StateBinding& b) {
  // Length-prefixed fields: no two different bindings produce the same MAC input.
  std::string input;
  for (const std::string* part : {&payload, &b.method, &b.params_digest, &b.principal}) {
    input += std::to_string(part->size()) + ":" + *part + ";";
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  const std::string& key = secret();
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), md.data(), &len);
  return b64url(md.data(), len);
}

long long now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string digest_params(const Json& params) {
  Json salient = params.is_object() ? params : Json::object();
  for (const char* k : {"_meta", "inputResponses", "requestState"}) salient.erase(k);
  const std::string text = salient.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md.data(), &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

std::string seal_state(const Json& answers, const StateBinding& binding, std::chrono::seconds ttl) {
  const Json body{{"v", 1}, {"exp", now_s() + ttl.count()}, {"answers", answers}};
  const std::string text = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  const std::string payload = b64url(reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return payload + "." + tag(payload, binding);
}

std::optional<Json> open_state(const std::string& state, const StateBinding& binding) {
  if (state.size() > kMaxState) return std::nullopt;
  const auto dot = state.find('.');
  if (dot == std::string::npos) return std::nullopt;
  const std::string payload = state.substr(0, dot);
  const std::string expected = tag(payload, binding);
  const std::string given = state.substr(dot + 1);
  if (given.size() != expected.size() || CRYPTO_memcmp(given.data(), expected.data(), given.size()) != 0) {
    return std::nullopt;
  }
  auto text = unb64url(payload);
  if (!text) return std::nullopt;
  Json body = Json::parse(*text, nullptr, false);
  if (!body.is_object() || body.value("v", 0) != 1 || !body.contains("exp") || !body["exp"].is_number_integer()) {
    return std::nullopt;
  }
  if (body["exp"].get<long long>() < now_s()) return std::nullopt;
  auto answers = body.find("answers");
  if (answers == body.end() || !answers->is_object()) return std::nullopt;
  return *answers;
}

}  // namespace fini::mcp
