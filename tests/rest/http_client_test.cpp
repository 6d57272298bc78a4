#include "rest/http_client.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "rest/test_servers.hpp"

namespace fini::rest {
namespace {

using fini::testing::closed_port;
using fini::testing::DroppingServer;
using fini::testing::ServerThread;
using std::chrono::milliseconds;

constexpr const char* kCanary = "fini_CANARYc4n4ryC4NARY0123456789";

ClientOptions options_for(int port) {
  ClientOptions o;
  o.base = *parse_base_url("http://127.0.0.1:" + std::to_string(port));
  o.user_agent = "fini-mcp/test";
  o.connect_timeout = milliseconds(2000);
  o.read_timeout = milliseconds(5000);
  return o;
}

HttpRequest get(std::string path) {
  HttpRequest r;
  r.method = "GET";
  r.path = std::move(path);
  r.bearer_token = kCanary;
  return r;
}

// The server side of one request, copied out of the handler.
struct Seen {
  std::string method, target, path, body;
  httplib::Headers headers;
  httplib::Params params;
  httplib::MultipartFormDataMap files;
};

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    svr_.set_keep_alive_max_count(100000);  // httplib closes after 5 requests by default
    svr_.new_task_queue = [] { return new httplib::ThreadPool(16); };
    auto record = [this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard lock(mu_);
        seen_.push_back({req.method, req.target, req.path, req.body, req.headers, req.params, req.files});
      }
      res.set_header("Retry-After", "7");
      res.set_header("X-Custom", "yes");
      res.status = req.has_param("status") ? std::stoi(req.get_param_value("status")) : 200;
      res.set_content("{\"echo\":\"" + req.get_param_value("i") + "\"}", "application/json");
    };
    svr_.Get(R"(/.*)", record);
    svr_.Post(R"(/.*)", record);
    svr_.Put(R"(/.*)", record);
    svr_.Patch(R"(/.*)", record);
    svr_.Delete(R"(/.*)", record);
    server_ = std::make_unique<ServerThread>(svr_);
  }
  void TearDown() override { server_.reset(); }

  std::vector<Seen> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

  httplib::Server svr_;
  std::unique_ptr<ServerThread> server_;
  std::mutex mu_;
  std::vector<Seen> seen_;
};

TEST_F(HttpClientTest, SendsExactMethodPathQueryHeadersAndBody) {
  auto client = make_http_client(options_for(server_->port()));
  HttpRequest req;
  req.method = "POST";
  req.path = "/v2/bots/a%2Fb%3Fc/public";
  req.query = {{"tags", "x y"}, {"tags", "z&w"}, {"since", "2024-01-01T00:00:00Z"}};
  req.body = R"({"name":"caf\u00e9"})";
  req.content_type = "application/json";
  req.bearer_token = kCanary;

  auto res = client->send(req);
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"echo":""})");
  EXPECT_EQ(res->content_type, "application/json");
  ASSERT_TRUE(res->retry_after.has_value());
  EXPECT_EQ(*res->retry_after, "7");
  ASSERT_EQ(res->headers.count("x-custom"), 1u);
  EXPECT_EQ(res->headers.find("x-custom")->second, "yes");

  const auto all = seen();
  ASSERT_EQ(all.size(), 1u);
  const Seen& s = all[0];
  EXPECT_EQ(s.method, "POST");
  EXPECT_EQ(s.target, "/v2/bots/a%2Fb%3Fc/public?tags=x%20y&tags=z%26w&since=2024-01-01T00%3A00%3A00Z");
  EXPECT_EQ(s.params.count("tags"), 2u);
  EXPECT_EQ(s.body, R"({"name":"caf\u00e9"})");
  auto header = [&](const char* name) {
    const auto it = s.headers.find(name);
    return it == s.headers.end() ? std::string("<missing>") : it->second;
  };
  EXPECT_EQ(header("Authorization"), std::string("Bearer ") + kCanary);
  EXPECT_EQ(s.headers.count("Authorization"), 1u);
  EXPECT_EQ(header("User-Agent"), "fini-mcp/test");
  EXPECT_EQ(header("Accept"), "application/json");
  EXPECT_EQ(header("Content-Type"), "application/json");
  EXPECT_EQ(header("Content-Length"), std::to_string(req.body->size()));
}

TEST_F(HttpClientTest, PrefixIsPrependedAndEmptyBodySendsNoContentType) {
  ClientOptions o = options_for(server_->port());
  o.base = *parse_base_url("http://127.0.0.1:" + std::to_string(server_->port()) + "/v2");
  auto client = make_http_client(o);
  HttpRequest req = get("/bots/public");
  req.method = "DELETE";
  auto res = client->send(req);
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  const auto all = seen();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].method, "DELETE");
  EXPECT_EQ(all[0].target, "/v2/bots/public");
  EXPECT_EQ(all[0].headers.count("Content-Type"), 0u);
}

TEST_F(HttpClientTest, DeleteCanCarryAJsonBody) {  // bulk conversation delete, delete sources
  auto client = make_http_client(options_for(server_->port()));
  HttpRequest req = get("/v2/hc-interactions/public");
  req.method = "DELETE";
  req.body = R"({"interactionIds":["a","b"]})";
  auto res = client->send(req);
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  const auto all = seen();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].method, "DELETE");
  EXPECT_EQ(all[0].body, R"({"interactionIds":["a","b"]})");
  EXPECT_EQ(all[0].headers.find("Content-Type")->second, "application/json");
}

TEST_F(HttpClientTest, ErrorStatusesAreResponsesNotErrors) {
  auto client = make_http_client(options_for(server_->port()));
  for (int status : {400, 401, 403, 404, 429, 500, 503}) {
    HttpRequest req = get("/v2/x");
    req.query = {{"status", std::to_string(status)}};
    auto res = client->send(req);
    ASSERT_TRUE(res.ok()) << res.status().to_string();
    EXPECT_EQ(res->status, status);
  }
}

TEST_F(HttpClientTest, SendsMultipartFormData) {
  auto client = make_http_client(options_for(server_->port()));
  HttpRequest req;
  req.method = "POST";
  req.path = "/v2/trees/t1/persist";
  req.bearer_token = kCanary;
  req.body = "ignored";
  const std::string binary("PK\x03\x04\0\r\n--x\xff", 10);
  req.multipart = {{"file", binary, "tree.zip", "application/zip"},
                   {"note", "hello world", "", ""},
                   {"raw", "bytes", "b\"in.bin", ""}};
  auto res = client->send(req);
  ASSERT_TRUE(res.ok()) << res.status().to_string();

  const auto all = seen();
  ASSERT_EQ(all.size(), 1u);
  const Seen& s = all[0];
  EXPECT_EQ(s.headers.find("Content-Type")->second.rfind("multipart/form-data; boundary=----fini-mcp-", 0), 0u);
  ASSERT_EQ(s.files.size(), 3u);
  const auto& file = s.files.find("file")->second;
  EXPECT_EQ(file.content, binary);
  EXPECT_EQ(file.filename, "tree.zip");
  EXPECT_EQ(file.content_type, "application/zip");
  const auto& note = s.files.find("note")->second;
  EXPECT_EQ(note.content, "hello world");
  EXPECT_EQ(note.filename, "");
  const auto& raw = s.files.find("raw")->second;
  EXPECT_EQ(raw.filename, "b%22in.bin");
  EXPECT_EQ(raw.content_type, "application/octet-stream");
}

TEST_F(HttpClientTest, FiftySequentialCallsUseOneConnection) {
  auto client = make_http_client(options_for(server_->port()));
  for (int i = 0; i < 50; ++i) {
    HttpRequest req = get("/v2/bots/public");
    req.query = {{"i", std::to_string(i)}};
    auto res = client->send(req);
    ASSERT_TRUE(res.ok()) << res.status().to_string();
    ASSERT_EQ(res->body, "{\"echo\":\"" + std::to_string(i) + "\"}");
  }
  EXPECT_EQ(client->connections_opened(), 1u);
  EXPECT_EQ(seen().size(), 50u);
}

TEST_F(HttpClientTest, ConcurrentCallsAreCorrectAndBoundedByThePool) {
  ClientOptions o = options_for(server_->port());
  o.max_connections = 4;
  auto client = make_http_client(o);
  constexpr int kThreads = 8;
  constexpr int kCalls = 50;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        const std::string id = std::to_string(t) + "-" + std::to_string(i);
        HttpRequest req = get("/v2/x");
        req.query = {{"i", id}};
        auto res = client->send(req);
        if (res.ok() && res->status == 200 && res->body == "{\"echo\":\"" + id + "\"}") good.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), kThreads * kCalls);
  EXPECT_GE(client->connections_opened(), 1u);
  EXPECT_LE(client->connections_opened(), 4u);
}

TEST_F(HttpClientTest, ReadOnlyGuardRefusesWritesUnlessTheCallerVouches) {
  ClientOptions o = options_for(server_->port());
  o.read_only_guard = true;
  auto client = make_http_client(o);

  HttpRequest post = get("/v2/bots/b1/hc-prompt");
  post.method = "POST";
  post.body = "{}";
  auto refused = client->send(post);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(refused.status().message(), "read-only mode: refusing POST /v2/bots/b1/hc-prompt");

  HttpRequest del = get("/v2/hc-interactions/i1/public");
  del.method = "DELETE";
  auto refused_delete = client->send(del);
  ASSERT_FALSE(refused_delete.ok());
  EXPECT_EQ(refused_delete.status().message(), "read-only mode: refusing DELETE /v2/hc-interactions/i1/public");
  EXPECT_TRUE(seen().empty());

  HttpRequest read_post = get("/v2/knowledge/public/jobs/status");
  read_post.method = "POST";
  read_post.body = "{}";
  read_post.allow_in_read_only = true;
  EXPECT_TRUE(client->send(read_post).ok());
  EXPECT_TRUE(client->send(get("/v2/bots/public")).ok());
  EXPECT_EQ(seen().size(), 2u);
}

TEST_F(HttpClientTest, RejectsMalformedRequestsBeforeSending) {
  auto client = make_http_client(options_for(server_->port()));
  struct Case {
    HttpRequest req;
    const char* message;
  };
  HttpRequest bad_method = get("/v2/x");
  bad_method.method = "TRACE";
  HttpRequest no_slash = get("v2/x");
  HttpRequest with_query = get("/v2/x?a=b");
  HttpRequest with_crlf = get("/v2/x\r\nHost: evil");
  HttpRequest dot_segment = get("/v2/bots/../admin");
  HttpRequest bad_token = get("/v2/x");
  bad_token.bearer_token = std::string(kCanary) + "\r\nX-Evil: 1";
  const Case cases[] = {
      {bad_method, "unsupported HTTP method 'TRACE'"},
      {no_slash, "request path must start with '/' and be percent-encoded ASCII without '?' or '#'"},
      {with_query, "request path must start with '/' and be percent-encoded ASCII without '?' or '#'"},
      {with_crlf, "request path must start with '/' and be percent-encoded ASCII without '?' or '#'"},
      {dot_segment, "request path must not contain '.' or '..' segments"},
      {bad_token, "the API key contains invalid characters"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    auto res = client->send(c.req);
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(res.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(res.status().message(), c.message);
  }
  EXPECT_TRUE(seen().empty());
}

TEST(HttpClientFailures, HandBuiltOptionsStillRefusePlainHttpToRemoteHosts) {
  ClientOptions o;
  o.base = BaseUrl{"http", "api-prod.usefini.com", 80, ""};
  auto client = make_http_client(o);
  auto res = client->send(get("/v2/bots/public"));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(res.status().message(),
            "refusing to send the API key over plain http to host api-prod.usefini.com; use https");
  EXPECT_EQ(client->connections_opened(), 0u);
}

TEST(HttpClientFailures, ConnectionRefusedIsUnavailable) {
  const int port = closed_port();
  auto client = make_http_client(options_for(port));
  auto res = client->send(get("/v2/bots/public"));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kUnavailable);
  EXPECT_EQ(res.status().message(), "could not connect to 127.0.0.1:" + std::to_string(port) + ": connection refused");
  EXPECT_EQ(client->connections_opened(), 0u);
}

// A handler that blocks until the test releases it, so the server can stop promptly.
class SlowServer {
 public:
  SlowServer() {
    svr_.Get("/slow", [this](const httplib::Request&, httplib::Response& res) {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(10), [&] { return released_; });
      res.set_content("{}", "application/json");
    });
    svr_.Get("/fast",
             [](const httplib::Request&, httplib::Response& res) { res.set_content("{}", "application/json"); });
    server_ = std::make_unique<ServerThread>(svr_);
  }
  ~SlowServer() {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
    server_.reset();
  }
  int port() const { return server_->port(); }

 private:
  httplib::Server svr_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  std::unique_ptr<ServerThread> server_;
};

TEST(HttpClientFailures, PerRequestReadTimeoutIsDeadlineExceeded) {
  SlowServer slow;
  auto client = make_http_client(options_for(slow.port()));
  HttpRequest req = get("/slow");
  req.read_timeout = milliseconds(200);
  const auto start = std::chrono::steady_clock::now();
  auto res = client->send(req);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kDeadlineExceeded);
  EXPECT_EQ(res.status().message(), "no response within 200 ms from 127.0.0.1:" + std::to_string(slow.port()));
  EXPECT_LT(took, std::chrono::seconds(3));  // the 5 s client default did not apply

  // The pool recovers: the timed-out connection is not handed out half-read.
  auto next = client->send(get("/fast"));
  ASSERT_TRUE(next.ok()) << next.status().to_string();
  EXPECT_EQ(next->status, 200);
}

TEST(HttpClientFailures, ClientReadTimeoutApplies) {
  SlowServer slow;
  ClientOptions o = options_for(slow.port());
  o.read_timeout = milliseconds(1000);
  auto client = make_http_client(o);
  auto res = client->send(get("/slow"));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kDeadlineExceeded);
  EXPECT_EQ(res.status().message(), "no response within 1 s from 127.0.0.1:" + std::to_string(slow.port()));
}

TEST(HttpClientStale, IdleConnectionClosedByServerIsTransparentForGet) {
  DroppingServer server(DroppingServer::Mode::kCloseAfterAnswers, 1);
  auto client = make_http_client(options_for(server.port()));
  for (int i = 1; i <= 3; ++i) {
    auto res = client->send(get("/v2/bots/public"));
    ASSERT_TRUE(res.ok()) << res.status().to_string();
    EXPECT_EQ(res->body, "{\"n\":" + std::to_string(i) + "}");
  }
  EXPECT_EQ(server.connections(), 3);
  EXPECT_EQ(client->connections_opened(), 3u);
}

TEST(HttpClientStale, ConnectionDroppedOnReuseIsRetriedOnceForIdempotentMethods) {
  DroppingServer server(DroppingServer::Mode::kDropNextRequest, 1);
  auto client = make_http_client(options_for(server.port()));
  for (const char* method : {"GET", "PUT", "DELETE"}) {
    SCOPED_TRACE(method);
    HttpRequest req = get("/v2/x");
    req.method = method;
    auto res = client->send(req);
    ASSERT_TRUE(res.ok()) << res.status().to_string();
  }
  // Each call after the first met a dropped reused connection, then succeeded on a fresh one.
  EXPECT_EQ(server.requests_answered(), 3);
  EXPECT_EQ(server.requests_seen(), 5);
  EXPECT_EQ(server.connections(), 3);
}

TEST(HttpClientStale, PostIsNeverRetried) {
  DroppingServer server(DroppingServer::Mode::kDropNextRequest, 1);
  auto client = make_http_client(options_for(server.port()));
  HttpRequest post = get("/v2/bots/b1/hc-prompt");
  post.method = "POST";
  post.body = "{}";
  ASSERT_TRUE(client->send(post).ok());
  auto second = client->send(post);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kUnavailable);
  EXPECT_EQ(second.status().message(),
            "connection to 127.0.0.1:" + std::to_string(server.port()) +
                " closed before a response, or the answer was not HTTP (no valid status line)");
  EXPECT_EQ(server.requests_seen(), 2);
  EXPECT_EQ(server.connections(), 1);

  HttpRequest patch = post;
  patch.method = "PATCH";
  ASSERT_TRUE(client->send(patch).ok());   // fresh connection: answered
  EXPECT_FALSE(client->send(patch).ok());  // reused and dropped: not retried
  EXPECT_EQ(server.requests_seen(), 4);
}

TEST(HttpClientCanary, TokenNeverAppearsInErrors) {
  std::vector<Status> errors;
  {
    auto client = make_http_client(options_for(closed_port()));
    errors.push_back(client->send(get("/v2/x")).status());
  }
  {
    SlowServer slow;
    auto client = make_http_client(options_for(slow.port()));
    HttpRequest req = get("/slow");
    req.read_timeout = milliseconds(200);
    errors.push_back(client->send(req).status());
  }
  {
    DroppingServer server(DroppingServer::Mode::kDropNextRequest, 1);
    auto client = make_http_client(options_for(server.port()));
    HttpRequest post = get("/v2/x");
    post.method = "POST";
    (void)client->send(post);
    errors.push_back(client->send(post).status());
  }
  {
    ClientOptions o = options_for(closed_port());
    o.read_only_guard = true;
    auto client = make_http_client(o);
    HttpRequest post = get(std::string("/v2/") + kCanary);  // even a caller that misplaces the key
    post.method = "POST";
    errors.push_back(client->send(post).status());
    HttpRequest bad = get("/v2/x");
    bad.bearer_token = std::string(kCanary) + "\n";
    errors.push_back(client->send(bad).status());
  }
  ASSERT_EQ(errors.size(), 5u);
  for (const auto& e : errors) {
    EXPECT_FALSE(e.ok());
    EXPECT_EQ(e.to_string().find("CANARY"), std::string::npos) << e.to_string();
  }
}

}  // namespace
}  // namespace fini::rest
