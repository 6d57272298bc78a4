#include "sim/sandbox.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <sstream>
#include <thread>

#include <httplib.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "common/atomic_file.hpp"
#include "platform/process.hpp"
#include "sim/api.hpp"
#include "sim/clock.hpp"
#include "sim/fixtures.hpp"
#include "sim/request_log.hpp"
#include "sim/store.hpp"
#include "sim/util.hpp"

namespace fini::sim {

namespace {

// The process logger when fini::setup_logging configured one ("fini", stderr or a file), else a
// private stderr logger: an embedding process's stdout (JSON-RPC in fini-mcp) is never written.
std::shared_ptr<spdlog::logger> logger() {
  if (auto configured = spdlog::get("fini")) return configured;
  static const std::shared_ptr<spdlog::logger> kFallback = [] {
    auto l = std::make_shared<spdlog::logger>("fini-sim", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_level(spdlog::level::warn);
    return l;
  }();
  return kFallback;
}

int port_of(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(ss).sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(ss).sin6_port);
  return -1;
}

// httplib 0.11 has no "close without answering": find this request's socket and shut it down, so
// the client sees the connection end with no response bytes.
void drop_connection(const httplib::Request& req) {
  int fd = -1;
  if (req.ssl) fd = SSL_get_fd(req.ssl);
  if (fd < 0) {
    for (const int cand : fini::platform::open_descriptors()) {
      sockaddr_storage local{}, peer{};
      socklen_t ll = sizeof local, pl = sizeof peer;
      if (getsockname(cand, reinterpret_cast<sockaddr*>(&local), &ll) != 0) continue;
      if (getpeername(cand, reinterpret_cast<sockaddr*>(&peer), &pl) != 0) continue;
      if (port_of(local) == req.local_port && port_of(peer) == req.remote_port) {
        fd = cand;
        break;
      }
    }
  }
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

json query_object(const httplib::Request& req) {
  json q = json::object();
  for (const auto& [k, v] : req.params) {
    if (!q.contains(k)) {
      q[k] = v;
    } else if (q[k].is_array()) {
      q[k].push_back(v);
    } else {
      q[k] = json::array({q[k], v});
    }
  }
  return q;
}

Status write_atomically(const std::string& path, const std::string& data) {
  if (auto s = fini::write_file_atomically(path, data, 0600); !s.ok()) {
    return unavailable("cannot replace state file " + path + ": " + s.message());
  }
  return {};
}

// Exposes the listening socket (a protected member) so start() can raise its backlog: Debian's
// httplib listens with CPPHTTPLIB_LISTEN_BACKLOG = 5, and bursts of connections overflow that.
template <class Base>
class ListenerOf : public Base {
 public:
  using Base::Base;
  int listen_fd() const { return static_cast<int>(this->svr_sock_.load()); }
};

std::string truncate_malformed(const std::string& body) {
  // Valid JSON prefix cut mid-way plus garbage: parsers must reject it.
  std::string cut = body.substr(0, body.size() / 2);
  return cut + "\x01<<garbage";
}

}  // namespace

struct Sandbox::Impl {
  SandboxOptions options;
  Clock clock;
  State state;
  mutable std::shared_mutex state_mu;
  std::map<std::string, ApiKey> keys;
  mutable std::shared_mutex keys_mu;
  FaultInjector faults;
  RequestLog log;
  std::mutex persist_mu;
  std::atomic<uint64_t> snapshot_gen{0};
  std::atomic<uint64_t> internal_errors{0};
  uint64_t written_gen = 0;  // guarded by persist_mu
  std::unique_ptr<httplib::Server> server;
  std::thread listener;
  int port = 0;
  bool tls = false;
  std::once_flag stop_once;

  Impl(const SandboxOptions& o, int64_t start_ms)
      : options(o),
        clock(o.now_ms ? std::optional<int64_t>(start_ms) : std::nullopt, o.freeze_clock),
        faults(o.faults, start_ms) {}

  void handle(const httplib::Request& req, httplib::Response& res);
  void persist(const std::string& snapshot, uint64_t gen);
};

void Sandbox::Impl::persist(const std::string& snapshot, uint64_t gen) {
  std::lock_guard<std::mutex> lock(persist_mu);
  // A newer snapshot (which includes this write) already landed: nothing to do.
  if (gen <= written_gen) return;
  Status s = write_atomically(options.state_file, snapshot);
  if (!s.ok()) {
    logger()->error("sandbox: {}", s.message());
    return;
  }
  written_gen = gen;
}

void Sandbox::Impl::handle(const httplib::Request& req, httplib::Response& res) {
  int64_t now = clock.now_ms();
  // Route on the raw target: httplib's req.path has %2F already decoded into '/'.
  const std::string raw_path = req.target.substr(0, req.target.find('?'));
  json record = {{"ts", iso_from_ms(now)},
                 {"method", req.method},
                 {"path", raw_path},
                 {"query", query_object(req)},
                 {"contentType", req.get_header_value("Content-Type")},
                 {"scope", nullptr},
                 {"workspace", nullptr},
                 {"operationId", nullptr}};
  std::string token;
  Reply reply;
  bool dropped = false;
  bool malformed = false;

  auto finish = [&] {
    if (dropped) {
      res.status = 500;
      res.set_header("Connection", "close");
    } else {
      res.status = reply.status;
      for (const auto& [k, v] : reply.headers) res.set_header(k, v);
      std::string body = reply.raw ? *reply.raw : reply.body.dump();
      if (malformed && reply.status < 300) body = truncate_malformed(body);
      res.set_content(body, reply.content_type);
    }
    if (log.enabled()) {
      if (req.is_multipart_form_data()) {
        json fields = json::array();
        for (const auto& [name, file] : req.files) {
          fields.push_back({{"name", name}, {"filename", file.filename}, {"size", file.content.size()}});
        }
        record["body"] = {{"multipart", fields}};
      } else if (!req.body.empty()) {
        json b = json::parse(req.body, nullptr, false);
        record["body"] = b.is_discarded() ? json{{"unparsedBytes", req.body.size()}} : b;
      } else {
        record["body"] = nullptr;
      }
      record["status"] = dropped ? json(nullptr) : json(reply.status);
      log.write(record, token);
    }
  };

  // 1. Faults (infrastructure-level, before routing).
  const std::string fault_header = req.get_header_value("X-Sim-Fault");
  auto decision = faults.decide(req.has_header("X-Sim-Fault") ? &fault_header : nullptr, now);
  if (!decision.ok()) {
    reply = error(400, decision.status().message());
    return finish();
  }
  if (auto route = faults.route_fault(req.method, raw_path)) {
    decision->delay_ms += route->delay_ms;
    decision->drop = decision->drop || route->drop;
    decision->malformed = decision->malformed || route->malformed;
    if (route->status != 0) decision->status = route->status;
    decision->reason = route->reason;
  }
  if (decision->delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(decision->delay_ms));
  if (!decision->reason.empty()) record["fault"] = decision->reason;
  if (decision->drop) {
    drop_connection(req);
    dropped = true;
    return finish();
  }
  if (decision->status != 0) {
    reply = error(decision->status, decision->status == 429 ? "Too Many Requests" : reason_phrase(decision->status));
    if (decision->retry_after) reply.headers.push_back({"Retry-After", std::to_string(*decision->retry_after)});
    return finish();
  }
  malformed = decision->malformed;

  // 2. Route.
  auto match = match_route(req.method == "HEAD" ? "GET" : req.method, raw_path);
  if (!match) {
    reply = error(404, "Cannot " + req.method + " " + raw_path);
    return finish();
  }
  const RouteInfo& route = *match->route;
  record["operationId"] = route.operation_id;
  record["scope"] = route.scope;

  // 3. Auth, before any validation of params or body.
  std::string auth = req.get_header_value("Authorization");
  if (!starts_with(auth, "Bearer ") || !starts_with(trim(auth.substr(7)), "fini_")) {
    reply = error(401, "Unauthorized");
    return finish();
  }
  token = trim(auth.substr(7));
  record["key"] = key_fingerprint(token);
  ApiKey key;
  {
    std::shared_lock<std::shared_mutex> lock(keys_mu);
    auto it = keys.find(token);
    if (it == keys.end() || it->second.revoked) {
      reply = error(401, "Unauthorized");
      return finish();
    }
    key = it->second;
  }
  record["workspace"] = key.workspace;
  bool write = route.scope == "write";
  if ((write && !key.write) || (!write && !key.read)) {
    reply = error(403, "API key does not have the required scope for this operation");
    return finish();
  }

  // 4. Body.
  Call call;
  call.route = &route;
  call.params = match->params;
  call.req = &req;
  call.workspace = key.workspace;
  call.body = json::object();
  if (!req.body.empty() && !req.is_multipart_form_data()) {
    call.body = json::parse(req.body, nullptr, false);
    if (call.body.is_discarded()) {
      reply = error(400, "Malformed JSON in request body");
      return finish();
    }
  }

  // 5. Handler, under the state lock (shared for reads, exclusive for writes).
  auto handler = handler_table().find(route.operation_id);
  std::string snapshot;
  uint64_t gen = 0;
  try {
    if (write) {
      std::unique_lock<std::shared_mutex> lock(state_mu);
      if (!state.workspaces.count(key.workspace)) {
        reply = error(401, "Unauthorized");
        return finish();
      }
      Env env{state, now, options.job_step_ms, options.faults.ignore_agent_filter};
      reply = handler->second(env, call);
      if (!options.state_file.empty() && reply.status < 300) {
        snapshot = state.to_json().dump();
        gen = ++snapshot_gen;
      }
    } else {
      std::shared_lock<std::shared_mutex> lock(state_mu);
      if (!state.workspaces.count(key.workspace)) {
        reply = error(401, "Unauthorized");
        return finish();
      }
      Env env{state, now, options.job_step_ms, options.faults.ignore_agent_filter};
      reply = handler->second(env, call);
    }
  } catch (const std::exception& e) {
    // Handlers validate input, so this is a sandbox bug; answer like the real API would.
    internal_errors.fetch_add(1);
    logger()->error("sandbox: {} {} failed: {}", req.method, raw_path, e.what());
    reply = error(500, "Internal Server Error");
  }
  if (gen != 0) persist(snapshot, gen);
  if (auto drift = options.faults.drift.find(route.operation_id);
      drift != options.faults.drift.end() && reply.status / 100 == 2 && !reply.raw) {
    apply_drift(reply.body, drift->second);
    record["fault"] = "drift";
  }
  finish();
}

Sandbox::Sandbox(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Sandbox::~Sandbox() { stop(); }

Result<std::unique_ptr<Sandbox>> Sandbox::start(const SandboxOptions& options) {
  int64_t start_ms = options.now_ms.value_or(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  auto impl = std::make_unique<Impl>(options, start_ms);

  FixtureFiles files;
  if (options.fixtures_dir.empty()) {
    files = embedded_fixtures();
  } else {
    auto loaded = load_fixture_dir(options.fixtures_dir);
    if (!loaded.ok()) return loaded.status();
    files = std::move(*loaded);
  }
  auto keys = load_keys(files);
  if (!keys.ok()) return keys.status();
  for (auto& k : *keys) impl->keys[k.key] = k;

  bool loaded_state = false;
  if (!options.state_file.empty() && std::filesystem::exists(options.state_file)) {
    std::ifstream in(options.state_file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    json j = json::parse(ss.str(), nullptr, false);
    if (j.is_discarded()) return invalid_argument("state file " + options.state_file + " is not valid JSON");
    try {
      auto st = State::from_json(j);
      if (!st.ok()) return st.status();
      impl->state = std::move(*st);
      loaded_state = true;
    } catch (const json::exception& e) {
      return invalid_argument("state file " + options.state_file + ": " + e.what());
    }
  }
  if (!loaded_state) {
    auto st = seed_state(files, impl->clock.now_ms(), options.conversation_counts);
    if (!st.ok()) return st.status();
    impl->state = std::move(*st);
  }
  if (!options.request_log_file.empty()) {
    Status s = impl->log.open(options.request_log_file);
    if (!s.ok()) return s;
  }

  if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
    auto ssl =
        std::make_unique<ListenerOf<httplib::SSLServer>>(options.tls_cert_file.c_str(), options.tls_key_file.c_str());
    if (!ssl->is_valid())
      return invalid_argument("TLS: cannot load certificate/key (" + options.tls_cert_file + ", " +
                              options.tls_key_file + ")");
    impl->server = std::move(ssl);
    impl->tls = true;
  } else {
    impl->server = std::make_unique<ListenerOf<httplib::Server>>();
  }
  httplib::Server& svr = *impl->server;
  size_t threads = static_cast<size_t>(std::max(1, options.threads));
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr.set_keep_alive_max_count(options.keep_alive_max_count);
  svr.set_keep_alive_timeout(5);
  svr.set_payload_max_length(options.max_body_bytes);
  svr.set_tcp_nodelay(true);
  Impl* raw = impl.get();
  auto h = [raw](const httplib::Request& req, httplib::Response& res) { raw->handle(req, res); };
  svr.Get(R"([\s\S]*)", h);
  svr.Post(R"([\s\S]*)", h);
  svr.Put(R"([\s\S]*)", h);
  svr.Patch(R"([\s\S]*)", h);
  svr.Delete(R"([\s\S]*)", h);
  svr.Options(R"([\s\S]*)", h);
  // Failures httplib answers itself (413 over the body limit, unparsable requests) still get the envelope.
  svr.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    res.set_content(envelope(res.status, reason_phrase(res.status)).dump(), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));
  svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content(envelope(500, "Internal Server Error").dump(), "application/json");
  });

  int port = options.port;
  if (port == 0) {
    port = svr.bind_to_any_port(options.host);
    if (port <= 0) return unavailable("cannot bind " + options.host + " on a free port");
  } else if (!svr.bind_to_port(options.host, port)) {
    return unavailable("cannot bind " + options.host + ":" + std::to_string(port));
  }
  // listen() again on a listening socket only updates its backlog (Linux).
  int fd = impl->tls ? static_cast<ListenerOf<httplib::SSLServer>&>(svr).listen_fd()
                     : static_cast<ListenerOf<httplib::Server>&>(svr).listen_fd();
  if (fd >= 0) ::listen(fd, 1024);
  impl->port = port;
  impl->listener = std::thread([raw] { raw->server->listen_after_bind(); });
  for (int i = 0; i < 5000 && !svr.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (!svr.is_running()) {
    svr.stop();
    impl->listener.join();
    return unavailable("sandbox listener did not start");
  }
  logger()->info("sandbox: listening on {}:{} ({})", options.host, port, impl->tls ? "https" : "http");
  return std::unique_ptr<Sandbox>(new Sandbox(std::move(impl)));
}

std::string Sandbox::url() const {
  std::string host = impl_->options.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(impl_->tls ? "https" : "http") + "://" + host + ":" + std::to_string(impl_->port);
}

int Sandbox::port() const { return impl_->port; }

void Sandbox::stop() {
  if (!impl_) return;
  std::call_once(impl_->stop_once, [this] {
    impl_->server->stop();
    if (impl_->listener.joinable()) impl_->listener.join();
  });
}

Status Sandbox::add_key(const std::string& key, const std::string& workspace, const std::vector<std::string>& scopes) {
  if (!starts_with(key, "fini_")) return invalid_argument("sandbox keys must start with fini_");
  {
    std::shared_lock<std::shared_mutex> lock(impl_->state_mu);
    if (!impl_->state.workspaces.count(workspace)) return invalid_argument("unknown workspace: " + workspace);
  }
  ApiKey k;
  k.key = key;
  k.workspace = workspace;
  for (const auto& s : scopes) {
    if (s == "read") {
      k.read = true;
    } else if (s == "write") {
      k.write = true;
    } else {
      return invalid_argument("unknown scope: " + s);
    }
  }
  std::unique_lock<std::shared_mutex> lock(impl_->keys_mu);
  impl_->keys[key] = k;
  return {};
}

Status Sandbox::revoke_key(const std::string& key) {
  std::unique_lock<std::shared_mutex> lock(impl_->keys_mu);
  auto it = impl_->keys.find(key);
  if (it == impl_->keys.end()) return not_found("no such key");
  it->second.revoked = true;
  return {};
}

int64_t Sandbox::now_ms() const { return impl_->clock.now_ms(); }

void Sandbox::advance_clock(int64_t ms) { impl_->clock.advance(ms); }

uint64_t Sandbox::internal_errors() const { return impl_->internal_errors.load(); }

const std::vector<RouteInfo>& Sandbox::routes() { return route_table(); }

}  // namespace fini::sim
