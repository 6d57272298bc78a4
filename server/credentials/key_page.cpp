#include "credentials/key_page.hpp"

#include <httplib.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <array>

#include "common/crypto.hpp"
#include "common/form.hpp"
#include "common/hex.hpp"
#include "common/html.hpp"

namespace fini::credentials {

namespace {

constexpr std::size_t kTokenBytes = 32;

std::string form_page(const std::string& id, const std::string& csrf, const std::string& error) {
  std::string body;
  if (!error.empty()) body += "<p class=\"error\" id=\"error\">" + html_escape(error) + "</p>\n";
  body +=
      "<p>fini-mcp (the Fini tools for Claude, running on this computer) needs your Fini API key. Create or "
      "copy one in the Fini dashboard under <b>Deploy → API Keys</b> and paste it here. It is checked with "
      "Fini, then stored only on this computer (mode 0600) and never shown to Claude.</p>\n"
      "<form method=\"post\" action=\"/key/" +
      id +
      "\" autocomplete=\"off\">\n"
      "<input type=\"hidden\" name=\"csrf\" value=\"" +
      csrf +
      "\">\n"
      "<label for=\"key\">Fini API key</label><br>\n"
      "<input type=\"password\" id=\"key\" name=\"key\" required autofocus spellcheck=\"false\" "
      "autocomplete=\"off\" placeholder=\"fini_…\">\n"
      "<br><button type=\"submit\">Save key</button>\n</form>\n"
      "<p>Prefer a terminal? Run <code>fini-mcp login</code> instead, or set <code>FINI_API_KEY</code>.</p>";
  return html_page("Connect fini-mcp to Fini", body);
}

void set_html(httplib::Response& res, int status, const std::string& html) {
  res.status = status;
  set_page_headers(res);
  res.set_content(html, "text/html; charset=utf-8");
}

void set_text(httplib::Response& res, int status, const std::string& text) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(text, "text/plain; charset=utf-8");
}

}  // namespace

Result<std::string> random_token() {
  std::array<unsigned char, kTokenBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return internal_error("the system random generator failed");
  }
  return hex_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

KeyPage::KeyPage(KeySubmitHandler handler, KeyPageOptions options)
    : handler_(std::move(handler)), options_(std::move(options)) {}

KeyPage::~KeyPage() {
  if (server_) {
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }
}

std::chrono::steady_clock::time_point KeyPage::now() const {
  return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
}

Status KeyPage::start() {
  std::lock_guard lock(mutex_);
  if (server_) return {};
  auto server = std::make_unique<httplib::Server>();
  server->set_payload_max_length(16 * 1024);
  server->set_keep_alive_max_count(1);  // two requests per user: no reason to hold sockets open
  server->set_read_timeout(10, 0);
  server->Get(R"(/key/([0-9a-f]{64}))",
              [this](const httplib::Request& req, httplib::Response& res) { handle_get(req, res); });
  server->Post(R"(/key/([0-9a-f]{64}))",
               [this](const httplib::Request& req, httplib::Response& res) { handle_post(req, res); });
  const int port = server->bind_to_any_port("127.0.0.1");
  if (port <= 0) return unavailable("cannot open a port on 127.0.0.1 for the key page");
  port_ = port;
  httplib::Server* raw = server.get();
  thread_ = std::thread([raw] { raw->listen_after_bind(); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!raw->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // 0.11.4 has no wait_until_ready
  }
  server_ = std::move(server);
  spdlog::info("key page listening on 127.0.0.1:{}", port_);
  return {};
}

Result<KeyPage::Link> KeyPage::open_link() {
  auto id = random_token();
  if (!id.ok()) return id.status();
  auto csrf = random_token();
  if (!csrf.ok()) return csrf.status();
  std::lock_guard lock(mutex_);
  if (!server_) return failed_precondition("the key page is not running");
  const auto t = now();
  for (auto it = links_.begin(); it != links_.end();) {  // forget long-dead links
    it = (it->second.expires + options_.ttl < t) ? links_.erase(it) : std::next(it);
  }
  links_[*id] = Entry{*csrf, t + options_.ttl, false, 0};
  return Link{*id, "http://127.0.0.1:" + std::to_string(port_) + "/key/" + *id};
}

KeyPage::LinkState KeyPage::state_locked(const std::string& id) const {
  auto it = links_.find(id);
  if (it == links_.end()) return LinkState::kUnknown;
  if (it->second.used) return LinkState::kUsed;
  if (now() >= it->second.expires || it->second.attempts >= options_.max_attempts) return LinkState::kExpired;
  return LinkState::kOpen;
}

KeyPage::LinkState KeyPage::state(const std::string& id) const {
  std::lock_guard lock(mutex_);
  return state_locked(id);
}

std::chrono::milliseconds KeyPage::remaining(const std::string& id) const {
  std::lock_guard lock(mutex_);
  if (state_locked(id) != LinkState::kOpen) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(links_.at(id).expires - now());
}

// A page that answers any Host could be read by a web page that rebinds its own DNS name to
// 127.0.0.1; checking Host (and Origin, which browsers send on POST) closes that door.
bool KeyPage::origin_ok(const httplib::Request& req, httplib::Response& res) const {
  const std::string port = std::to_string(port_);
  const std::string host = req.get_header_value("Host");
  if (host != "127.0.0.1:" + port && host != "localhost:" + port) {
    set_text(res, 403, "Forbidden: this page only answers at http://127.0.0.1:" + port + "/.\n");
    return false;
  }
  if (req.has_header("Origin")) {
    const std::string origin = req.get_header_value("Origin");
    if (origin != "http://127.0.0.1:" + port && origin != "http://localhost:" + port) {
      set_text(res, 403, "Forbidden: cross-origin requests are not accepted.\n");
      return false;
    }
  }
  return true;
}

void KeyPage::send_closed_link(LinkState state, httplib::Response& res) const {
  switch (state) {
    case LinkState::kUsed:
      set_html(res, 410,
               html_page("This link was already used",
                         "<p>A key was already saved through this link. You can close this tab.</p>"));
      return;
    case LinkState::kExpired:
      set_html(res, 410,
               html_page("This link has expired",
                         "<p>Links to this page work for a limited time and a limited number of tries. "
                         "Go back to Claude and call a Fini tool again for a new link, or run "
                         "<code>fini-mcp login</code> in a terminal.</p>"));
      return;
    default:
      set_html(res, 404,
               html_page("Unknown link",
                         "<p>This link is not valid. Go back to Claude and call a Fini tool again for a "
                         "new link, or run <code>fini-mcp login</code> in a terminal.</p>"));
  }
}

std::optional<std::string> KeyPage::open_link_csrf(const std::string& id, httplib::Response& res) {
  std::lock_guard lock(mutex_);
  const LinkState st = state_locked(id);
  if (st != LinkState::kOpen) {
    send_closed_link(st, res);
    return std::nullopt;
  }
  return links_.at(id).csrf;
}

void KeyPage::handle_get(const httplib::Request& req, httplib::Response& res) {
  if (!origin_ok(req, res)) return;
  const std::string id = req.matches[1];
  const auto csrf = open_link_csrf(id, res);
  if (!csrf) return;
  set_html(res, 200, form_page(id, *csrf, ""));
}

void KeyPage::handle_post(const httplib::Request& req, httplib::Response& res) {
  if (!origin_ok(req, res)) return;
  const std::string id = req.matches[1];
  // One submission at a time: a second paste waits for the first verdict instead of racing it.
  std::lock_guard submit(submit_mutex_);
  const auto csrf = open_link_csrf(id, res);
  if (!csrf) return;
  // A form with a malformed %-escape is not read at all: it is answered like a stale form.
  const auto form = parse_form(req.body);
  const auto token = form ? first_field(*form, "csrf") : std::nullopt;
  if (!token || !equal_constant_time(*token, *csrf)) {
    set_html(res, 403,
             html_page("Form expired",
                       "<p class=\"error\">The form token did not match. Reload this page from the link "
                       "Claude showed you and paste the key again.</p>"));
    return;
  }
  const std::string pasted(first_field(*form, "key").value_or(std::string_view()));
  auto verdict = handler_(pasted);
  {
    std::lock_guard lock(mutex_);
    auto it = links_.find(id);
    if (it != links_.end()) {
      if (verdict.ok()) {
        it->second.used = true;
      } else {
        ++it->second.attempts;
      }
    }
  }
  if (verdict.ok()) {
    set_html(res, 200,
             html_page("Key saved", "<p class=\"ok\" id=\"ok\">" + html_escape(*verdict) +
                                        "</p>\n<p>You can close this tab and go back to Claude.</p>"));
    return;
  }
  const Code code = verdict.status().code();
  const int status = (code == Code::kUnavailable || code == Code::kDeadlineExceeded) ? 502 : 400;
  if (state(id) != LinkState::kOpen) {
    send_closed_link(LinkState::kExpired, res);
    return;
  }
  set_html(res, status, form_page(id, *csrf, verdict.status().message()));
}

}  // namespace fini::credentials
