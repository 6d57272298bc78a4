// HTTPS against a TLS server whose CA and certificate are generated at test time.

#include <gtest/gtest.h>

#include <filesystem>

#include "rest/http_client.hpp"
#include "rest/test_servers.hpp"
#include "rest/test_tls.hpp"
#include "support/temp_dir.hpp"

namespace fini::rest {
namespace {

using fini::testing::make_test_pki;
using fini::testing::ServerThread;
using fini::testing::TestPki;

constexpr const char* kCanary = "fini_CANARYc4n4ryC4NARY0123456789";

using TempDir = fini::test::TempDir;

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    pki_ = new TestPki(make_test_pki(dir_->path() / "good"));
    other_pki_ = new TestPki(make_test_pki(dir_->path() / "other"));
    wrong_name_pki_ = new TestPki(make_test_pki(dir_->path() / "wrong-name", {"api.example.test"}));
  }
  static void TearDownTestSuite() {
    delete wrong_name_pki_;
    delete other_pki_;
    delete pki_;
    delete dir_;
  }

  // A TLS server presenting `pki`'s certificate.
  struct Server {
    explicit Server(const TestPki& pki) : svr(pki.cert_path.c_str(), pki.key_path.c_str()) {
      if (!svr.is_valid()) throw std::runtime_error("SSLServer could not load the test certificate");
      svr.set_keep_alive_max_count(1000);
      svr.Get("/v2/bots/public", [](const httplib::Request& req, httplib::Response& res) {
        res.set_content(req.get_header_value("Authorization") == std::string("Bearer ") + kCanary ? "{\"ok\":true}"
                                                                                                  : "{\"ok\":false}",
                        "application/json");
      });
      thread = std::make_unique<ServerThread>(svr);
    }
    httplib::SSLServer svr;
    std::unique_ptr<ServerThread> thread;
  };

  static ClientOptions options(const std::string& host, int port, const std::string& ca_file) {
    ClientOptions o;
    o.base = *parse_base_url("https://" + host + ":" + std::to_string(port));
    o.ca_file = ca_file;
    o.connect_timeout = std::chrono::milliseconds(2000);
    o.read_timeout = std::chrono::milliseconds(5000);
    return o;
  }

  static HttpRequest get() {
    HttpRequest r;
    r.method = "GET";
    r.path = "/v2/bots/public";
    r.bearer_token = kCanary;
    return r;
  }

  static TempDir* dir_;
  static TestPki* pki_;
  static TestPki* other_pki_;
  static TestPki* wrong_name_pki_;
};

TempDir* TlsTest::dir_ = nullptr;
TestPki* TlsTest::pki_ = nullptr;
TestPki* TlsTest::other_pki_ = nullptr;
TestPki* TlsTest::wrong_name_pki_ = nullptr;

TEST_F(TlsTest, VerifiesAgainstTheConfiguredCaAndReusesOneConnection) {
  Server server(*pki_);
  auto client = make_http_client(options("127.0.0.1", server.thread->port(), pki_->ca_pem_path));
  for (int i = 0; i < 50; ++i) {
    auto res = client->send(get());
    ASSERT_TRUE(res.ok()) << res.status().to_string();
    ASSERT_EQ(res->body, "{\"ok\":true}");
  }
  EXPECT_EQ(client->connections_opened(), 1u);  // one TCP connect, one handshake
}

TEST_F(TlsTest, VerifiesDnsNames) {
  Server server(*pki_);
  auto client = make_http_client(options("localhost", server.thread->port(), pki_->ca_pem_path));
  auto res = client->send(get());
  // "localhost" may resolve to ::1 first; the server listens on 127.0.0.1 and httplib falls back.
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
}

TEST_F(TlsTest, SystemStoreDoesNotTrustTheTestCa) {
  Server server(*pki_);
  auto client = make_http_client(options("127.0.0.1", server.thread->port(), ""));
  auto res = client->send(get());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kUnavailable);
  EXPECT_EQ(res.status().message(), "TLS handshake with 127.0.0.1:" + std::to_string(server.thread->port()) +
                                        " failed: certificate verify failed: unable to get local issuer certificate");
  EXPECT_EQ(res.status().message().find("CANARY"), std::string::npos);
}

TEST_F(TlsTest, AnotherCaIsRejected) {
  Server server(*pki_);
  auto client = make_http_client(options("127.0.0.1", server.thread->port(), other_pki_->ca_pem_path));
  auto res = client->send(get());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kUnavailable);
  EXPECT_EQ(res.status().message(), "TLS handshake with 127.0.0.1:" + std::to_string(server.thread->port()) +
                                        " failed: certificate verify failed: unable to get local issuer certificate");
}

TEST_F(TlsTest, HostNameMustMatchTheCertificate) {
  Server server(*wrong_name_pki_);
  auto client = make_http_client(options("127.0.0.1", server.thread->port(), wrong_name_pki_->ca_pem_path));
  auto res = client->send(get());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kUnavailable);
  EXPECT_EQ(res.status().message(),
            "TLS handshake with 127.0.0.1:" + std::to_string(server.thread->port()) +
                " failed: certificate verify failed: certificate is not valid for host 127.0.0.1");
}

TEST_F(TlsTest, UnreadableCaFileIsAConfigurationError) {
  Server server(*pki_);
  const std::string missing = (dir_->path() / "missing.pem").string();
  auto client = make_http_client(options("127.0.0.1", server.thread->port(), missing));
  auto res = client->send(get());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(res.status().message(), "could not load CA certificates from '" + missing + "'");
}

TEST_F(TlsTest, PlainHttpToATlsServerIsUnavailable) {
  Server server(*pki_);
  ClientOptions o = options("127.0.0.1", server.thread->port(), "");
  o.base.scheme = "http";
  auto client = make_http_client(o);
  auto res = client->send(get());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kUnavailable);
  EXPECT_EQ(res.status().message(), "connection to 127.0.0.1:" + std::to_string(server.thread->port()) +
                                        " closed before a response, or the answer was not HTTP (no valid status line)");
}

}  // namespace
}  // namespace fini::rest
