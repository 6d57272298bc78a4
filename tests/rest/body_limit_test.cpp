// max_body_bytes: a response over the cap is refused, and reading stops at the cap, so a 50 MB
// body never sits in memory.

#include <gtest/gtest.h>

#include <fstream>

#include "rest/http_client.hpp"
#include "rest/test_servers.hpp"

namespace fini::rest {
namespace {

using fini::testing::ServerThread;
using std::chrono::milliseconds;

constexpr std::size_t kHuge = 50u * 1024u * 1024u;
constexpr std::size_t kCap = 1024u * 1024u;

// Resident set size of this process, in bytes (0 when /proc is unavailable).
std::size_t rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6)) * 1024u;
  }
  return 0;
}

class BodyLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Bodies are generated as they are written: the server side holds 64 KB, not 50 MB.
    static const std::string block(64 * 1024, 'x');
    svr_.Get("/huge", [](const httplib::Request&, httplib::Response& res) {
      res.set_content_provider(kHuge, "application/json",
                               [](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                                 (void)offset;
                                 return sink.write(block.data(), std::min(length, block.size()));
                               });
    });
    svr_.Get("/huge-chunked", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("application/json", [](std::size_t offset, httplib::DataSink& sink) {
        if (offset >= kHuge) {
          sink.done();
          return true;
        }
        return sink.write(block.data(), block.size());
      });
    });
    svr_.Get("/exact", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(kCap, 'y'), "text/plain");
    });
    server_ = std::make_unique<ServerThread>(svr_);
  }

  ClientOptions options() const {
    ClientOptions o;
    o.base = *parse_base_url("http://127.0.0.1:" + std::to_string(server_->port()));
    o.max_body_bytes = kCap;
    o.max_connections = 1;
    return o;
  }
  static HttpRequest get(std::string path) {
    HttpRequest r;
    r.method = "GET";
    r.path = std::move(path);
    return r;
  }

  httplib::Server svr_;
  std::unique_ptr<ServerThread> server_;
};

TEST_F(BodyLimitTest, DeclaredLengthOverTheCapIsRefused) {
  auto client = make_http_client(options());
  auto res = client->send(get("/huge"));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kResourceExhausted);
  EXPECT_EQ(res.status().message(), "the response exceeds the 1048576-byte limit");
}

TEST_F(BodyLimitTest, ChunkedBodyStopsAtTheCapWithBoundedMemory) {
  auto client = make_http_client(options());
  const std::size_t before = rss_bytes();
  auto res = client->send(get("/huge-chunked"));
  const std::size_t after = rss_bytes();
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kResourceExhausted);
  EXPECT_EQ(res.status().message(), "the response exceeds the 1048576-byte limit");
  ASSERT_GT(before, 0u) << "no /proc/self/status";
  const std::size_t growth = after > before ? after - before : 0;
  std::cout << "[ RSS      ] growth " << growth / 1024 << " KiB for a " << kHuge / (1024 * 1024)
            << " MiB chunked body capped at " << kCap / 1024 << " KiB\n";
  // ASan adds shadow memory and quarantine; buffering the body would add 50+ MiB.
  EXPECT_LT(growth, 20u * 1024u * 1024u);
}

TEST_F(BodyLimitTest, BodyOfExactlyTheCapIsReceivedAndTheConnectionRecovers) {
  auto client = make_http_client(options());
  auto over = client->send(get("/huge-chunked"));
  ASSERT_FALSE(over.ok());
  auto res = client->send(get("/exact"));
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->body.size(), kCap);
  // Over the cap is never retried as-is by the stale-connection rule: one connection each.
  EXPECT_EQ(client->connections_opened(), 2u);
}

}  // namespace
}  // namespace fini::rest
