#pragma once
// Shared pieces of the credentials tests: temp config folders, the sandbox, a scripted
// CallContext (the MCP client as the user, reached through the tool pipeline's KeyAsker adapter), a counting HttpClient and a browser stand-in that
// fetches the one-time key page and posts a key to it.

#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "support/temp_dir.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "credentials/session_credentials.hpp"
#include "mcp/providers.hpp"
#include "rest/http_client.hpp"
#include "sim/sandbox.hpp"
#include "tools/context_key_asker.hpp"

namespace fini::credentials::ct {

inline constexpr const char* kAcmeRead = "fini_sandbox_acme_read_5f0c2a91d3";
inline constexpr const char* kAcmeWrite = "fini_sandbox_acme_write_8b1e44c07a";
inline constexpr const char* kAcmeRw = "fini_sandbox_acme_rw_1d9a7e3c52";
inline constexpr const char* kAcmeRevoked = "fini_sandbox_acme_revoked_77aa01";
inline constexpr const char* kGlobexRw = "fini_sandbox_globex_rw_9e2b6d4a81";

using TempDir = fini::test::TempDir;

inline unsigned mode_of(const std::filesystem::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0xFFFF;
  return st.st_mode & 0777;
}

inline std::unique_ptr<sim::Sandbox> start_sandbox() {
  sim::SandboxOptions options;
  options.threads = 4;
  auto sandbox = sim::Sandbox::start(options);
  if (!sandbox.ok()) throw std::runtime_error("sandbox: " + sandbox.status().message());
  return std::move(*sandbox);
}

inline std::unique_ptr<rest::HttpClient> client_for(const std::string& url, bool read_only = false) {
  rest::ClientOptions options;
  options.base = *rest::parse_base_url(url);
  options.read_timeout = std::chrono::milliseconds(5000);
  options.read_only_guard = read_only;
  return rest::make_http_client(options);
}

// Counts requests and remembers every bearer token that went out.
class CountingClient final : public rest::HttpClient {
 public:
  explicit CountingClient(rest::HttpClient& inner) : inner_(inner) {}
  Result<rest::HttpResponse> send(const rest::HttpRequest& req) override {
    {
      std::lock_guard lock(mutex_);
      tokens_.push_back(req.bearer_token);
      paths_.push_back(req.method + " " + req.path);
    }
    return inner_.send(req);
  }
  std::size_t connections_opened() const override { return inner_.connections_opened(); }
  std::vector<std::string> tokens() const {
    std::lock_guard lock(mutex_);
    return tokens_;
  }
  std::vector<std::string> paths() const {
    std::lock_guard lock(mutex_);
    return paths_;
  }

 private:
  rest::HttpClient& inner_;
  mutable std::mutex mutex_;
  std::vector<std::string> tokens_, paths_;
};

// The MCP client side of one tool call.
// Credentials see it as the tool pipeline shows it: through tools::ContextKeyAsker, so these
// tests check the exact elicitation the client receives.
class FakeContext final : public mcp::CallContext {
 public:
  using Handler = std::function<Result<mcp::Json>(const std::string&, const mcp::Json&, std::chrono::milliseconds)>;

  explicit FakeContext(bool url = true, Handler handler = {}) : handler_(std::move(handler)) {
    info_.elicitation_url = url;
    info_.elicitation_form = true;
  }
  const CancelToken& cancel_token() const override { return cancel; }
  void progress(double, std::optional<double>, const std::string&) override {}
  void log(mcp::LogLevel, const std::string&, const mcp::Json&) override {}
  const mcp::ClientInfo& client() const override { return info_; }
  Result<mcp::Json> request(const std::string& method, const mcp::Json& params,
                            std::chrono::milliseconds timeout) override {
    {
      std::lock_guard lock(mutex_);
      requests_.emplace_back(method, params);
    }
    if (!handler_) return Status(Code::kUnavailable, "no handler");
    return handler_(method, params, timeout);
  }
  void notify(const std::string& method, const mcp::Json& params) override {
    std::lock_guard lock(mutex_);
    notifications_.emplace_back(method, params);
  }
  std::vector<std::pair<std::string, mcp::Json>> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<std::pair<std::string, mcp::Json>> notifications() const {
    std::lock_guard lock(mutex_);
    return notifications_;
  }
  CancelToken cancel;
  // `creds.key(ctx)` reads as in the pipeline, which wraps its context the same way.
  operator KeyAsker&() { return asker_; }  // NOLINT(google-explicit-constructor)

 private:
  tools::ContextKeyAsker asker_{*this};
  mcp::ClientInfo info_;
  Handler handler_;
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, mcp::Json>> requests_, notifications_;
};

// A browser stand-in for the key page.
struct PageReply {
  int status = 0;
  std::string body;
};

struct PageUrl {
  int port = 0;
  std::string path;
};

inline PageUrl split_url(const std::string& url) {
  static const std::regex re(R"(^http://127\.0\.0\.1:(\d+)(/key/[0-9a-f]{64})$)");
  std::smatch m;
  if (!std::regex_match(url, m, re)) throw std::runtime_error("not a key page URL: " + url);
  return PageUrl{std::stoi(m[1]), m[2]};
}

inline PageReply page_get(const std::string& url, httplib::Headers headers = {}) {
  const PageUrl u = split_url(url);
  httplib::Client client("127.0.0.1", u.port);
  auto res = client.Get(u.path.c_str(), headers);
  if (!res) return {};
  return {res->status, res->body};
}

inline std::string csrf_of(const std::string& html) {
  static const std::regex re(R"re(name="csrf" value="([0-9a-f]+)")re");
  std::smatch m;
  return std::regex_search(html, m, re) ? std::string(m[1]) : std::string();
}

inline std::string form_encode(const std::string& s) {
  std::string out;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (std::isalnum(c) != 0 || c == '_' || c == '-' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

inline PageReply page_post(const std::string& url, const std::string& body, httplib::Headers headers = {}) {
  const PageUrl u = split_url(url);
  httplib::Client client("127.0.0.1", u.port);
  auto res = client.Post(u.path.c_str(), headers, body, "application/x-www-form-urlencoded");
  if (!res) return {};
  return {res->status, res->body};
}

// GET the page for its CSRF token, then POST the key, as a browser would.
inline PageReply submit_key(const std::string& url, const std::string& key) {
  const PageReply form = page_get(url);
  if (form.status != 200) return form;
  return page_post(url, "csrf=" + csrf_of(form.body) + "&key=" + form_encode(key));
}

// Polls `cond` up to 5 s (for conditions another thread brings about).
inline bool eventually(const std::function<bool()>& cond) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return cond();
}

}  // namespace fini::credentials::ct
