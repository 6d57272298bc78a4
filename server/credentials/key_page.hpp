#pragma once
// The one-time key page: a tiny HTTP server on 127.0.0.1 (random port) where a user pastes the
// Fini API key a URL elicitation pointed them to. Each link has an unguessable id (256 bits from
// OpenSSL RAND_bytes), expires (10 minutes by default), and is used up once a key is accepted.
// Requests must carry Host 127.0.0.1:PORT or localhost:PORT and, when present, a matching
// Origin (DNS rebinding) and the form's CSRF token. The URL carries no key and no PII; the HTML
// never echoes the key. What "accepted" means is the owner's call (KeySubmitHandler).
// Thread-safety: all methods may be called from any thread; the handler runs on a server
// thread, one submission at a time. Never throws (start() reports failures as Status).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/status.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace fini::credentials {

using Clock = std::function<std::chrono::steady_clock::time_point()>;

struct KeyPageOptions {
  std::chrono::milliseconds ttl{std::chrono::minutes(10)};
  Clock clock;            // empty: std::chrono::steady_clock::now (tests inject their own)
  int max_attempts = 20;  // wrong keys per link before it is burnt
};

// The owner's verdict on a pasted key: a value is the success text for the page; an error's
// message is shown above the form so the user can try again on the same page.
using KeySubmitHandler = std::function<Result<std::string>(const std::string& key)>;

// 64 lowercase hex characters from RAND_bytes (kInternal if the CSPRNG fails).
Result<std::string> random_token();

class KeyPage {
 public:
  enum class LinkState { kOpen, kUsed, kExpired, kUnknown };
  struct Link {
    std::string id;
    std::string url;  // http://127.0.0.1:PORT/key/<id>
  };

  explicit KeyPage(KeySubmitHandler handler, KeyPageOptions options = {});
  ~KeyPage();
  KeyPage(const KeyPage&) = delete;
  KeyPage& operator=(const KeyPage&) = delete;

  // Binds 127.0.0.1 on a random port and serves on a thread; idempotent.
  Status start();
  int port() const { return port_; }

  // A fresh link, valid for options.ttl. Needs start().
  Result<Link> open_link();
  LinkState state(const std::string& id) const;
  // Time left before the link expires (zero when it is not open).
  std::chrono::milliseconds remaining(const std::string& id) const;

 private:
  struct Entry {
    std::string csrf;
    std::chrono::steady_clock::time_point expires;
    bool used = false;
    int attempts = 0;
  };

  std::chrono::steady_clock::time_point now() const;
  LinkState state_locked(const std::string& id) const;
  bool origin_ok(const httplib::Request& req, httplib::Response& res) const;
  void handle_get(const httplib::Request& req, httplib::Response& res);
  void handle_post(const httplib::Request& req, httplib::Response& res);
  void send_closed_link(LinkState state, httplib::Response& res) const;
  // The CSRF token of an open link, or nullopt after answering with the closed-link page.
  std::optional<std::string> open_link_csrf(const std::string& id, httplib::Response& res);

  KeySubmitHandler handler_;
  KeyPageOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::mutex submit_mutex_;
  std::map<std::string, Entry> links_;
};

}  // namespace fini::credentials
