// The edge listener's connection loop on a real loopback socket: pipelined requests answered in
// order on one connection, an idle connection closed after the keep-alive time, a request not
// received within the deadline answered 408 and closed, a request not read to its end closing
// the connection after its answer (handed to the real OverflowRefuser to linger), and
// stop_accepting ending the accept loop. Over TLS (a certificate made for the test): the
// handshake and a request on the same loop, a client that never starts the handshake dropped
// after the read timeout, and unreadable certificate files refused.
#include "http/edge_listener.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "http/conn_stream.hpp"
#include "http/refuser.hpp"
#include "http/request_scope.hpp"
#include "loopback.hpp"
#include "support/temp_dir.hpp"

namespace fini::http {
namespace {

using std::chrono::milliseconds;
using test::count_of;
using test::read_to_close;
using test::read_until;
using test::send_all;

// A self-signed P-256 certificate for localhost and its key, as PEM files in `dir`.
bool write_certificate(const std::string& cert_file, const std::string& key_file) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  X509* cert = X509_new();
  bool ok = key != nullptr && cert != nullptr;
  if (ok) {
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                               0);
    X509_set_issuer_name(cert, name);
    ok = X509_sign(cert, key, EVP_sha256()) > 0;
  }
  FILE* c = ok ? std::fopen(cert_file.c_str(), "w") : nullptr;
  FILE* k = ok ? std::fopen(key_file.c_str(), "w") : nullptr;
  ok = c != nullptr && k != nullptr && PEM_write_X509(c, cert) == 1 &&
       PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  if (c != nullptr) std::fclose(c);
  if (k != nullptr) std::fclose(k);
  X509_free(cert);
  EVP_PKEY_free(key);
  return ok;
}

class EdgeListenerTest : public ::testing::Test {
 protected:
  void start(EdgeLimits limits, bool tls = false) {
    EdgeHooks hooks{[this](int sock) {
                      ++lingered_;
                      refuser_.linger(sock);
                    },
                    [this] { ++timeouts_; }};
    if (tls) {
      ASSERT_TRUE(write_certificate(dir_.file("cert.pem"), dir_.file("key.pem")));
      listener_ = make_tls_edge_listener(limits, std::move(hooks), dir_.file("cert.pem"), dir_.file("key.pem"));
      ASSERT_TRUE(listener_);
    } else {
      listener_ = make_edge_listener(limits, std::move(hooks));
    }
    auto& svr = listener_->server();
    // As the edge's admission does: the head is parsed; a GET has no body, so the request was
    // read to its end, except on /close, which stands for a request refused with its body unread.
    svr.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
      t_info = RequestInfo{};
      t_info.pre_routed = true;
      if (t_conn.stream != nullptr) t_conn.stream->end_head();
      t_conn.keep = req.path != "/close";
      return httplib::Server::HandlerResponse::Unhandled;
    });
    svr.Get(R"(/(\w+))",
            [](const httplib::Request& req, httplib::Response& res) { res.set_content(req.path, "text/plain"); });
    port_ = svr.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    listener_->raise_backlog();
    thread_ = std::thread([this] { listener_->server().listen_after_bind(); });
  }
  void TearDown() override {
    if (fd_ >= 0) ::close(fd_);
    if (listener_) listener_->stop_accepting();
    if (thread_.joinable()) thread_.join();
  }
  int connect() {
    fd_ = test::connect_loopback(port_);
    return fd_;
  }
  static EdgeLimits limits(milliseconds keep_alive = milliseconds(2000), milliseconds deadline = milliseconds(2000)) {
    return EdgeLimits{milliseconds(2000), milliseconds(2000), keep_alive, deadline};
  }

  fini::test::TempDir dir_{"edge-listener"};
  OverflowRefuser refuser_{"", milliseconds(1000)};  // before listener_: outlives its threads
  std::atomic<int> lingered_{0}, timeouts_{0};
  std::unique_ptr<Listener> listener_;
  std::thread thread_;
  int port_ = 0;
  int fd_ = -1;
};

TEST_F(EdgeListenerTest, PipelinedRequestsAreAnsweredInOrderOnOneConnection) {
  start(limits());
  const int fd = connect();
  ASSERT_TRUE(send_all(fd, "GET /first HTTP/1.1\r\nHost: a\r\n\r\nGET /second HTTP/1.1\r\nHost: a\r\n\r\n"));
  bool closed = false;
  const std::string out = read_until(
      fd,
      [](const std::string& s) { return count_of(s, "HTTP/1.1 200") == 2 && s.find("/second") != std::string::npos; },
      closed);
  ASSERT_EQ(count_of(out, "HTTP/1.1 200"), 2) << out;
  EXPECT_LT(out.find("/first"), out.find("/second"));
  EXPECT_FALSE(closed);
  // Still open for a third.
  ASSERT_TRUE(send_all(fd, "GET /third HTTP/1.1\r\nHost: a\r\n\r\n"));
  const std::string more = read_until(
      fd, [](const std::string& s) { return s.find("/third") != std::string::npos; }, closed);
  EXPECT_NE(more.find("/third"), std::string::npos);
  EXPECT_EQ(lingered_.load(), 0);
}

TEST_F(EdgeListenerTest, AnIdleConnectionIsClosedAfterTheKeepAliveTime) {
  start(limits(milliseconds(200)));
  bool closed = false;
  const std::string out = read_to_close(connect(), closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(out, "");  // closed quietly: no 408 for a request that never started
  EXPECT_EQ(timeouts_.load(), 0);
}

TEST_F(EdgeListenerTest, ARequestLineNotReceivedInTimeIs408ThenClosed) {
  start(limits(milliseconds(2000), milliseconds(300)));
  const int fd = connect();
  ASSERT_TRUE(send_all(fd, "GET /slow HT"));
  bool closed = false;
  const std::string out = read_to_close(fd, closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(out.rfind("HTTP/1.1 408 Request Timeout\r\n", 0), 0u) << out;
  EXPECT_EQ(timeouts_.load(), 1);
  EXPECT_EQ(lingered_.load(), 1);  // the client may still be sending: lingered, not reset
}

TEST_F(EdgeListenerTest, HeadersNotReceivedInTimeAre408) {
  start(limits(milliseconds(2000), milliseconds(300)));
  const int fd = connect();
  ASSERT_TRUE(send_all(fd, "GET /slow HTTP/1.1\r\nHost: a\r\nX-Slow: "));
  bool closed = false;
  const std::string out = read_to_close(fd, closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(out.rfind("HTTP/1.1 408", 0), 0u) << out;
}

TEST_F(EdgeListenerTest, ARequestNotReadToItsEndClosesTheConnectionAfterItsAnswer) {
  start(limits());
  const int fd = connect();
  ASSERT_TRUE(send_all(fd, "GET /close HTTP/1.1\r\nHost: a\r\n\r\n"));
  bool closed = false;
  const std::string out = read_to_close(fd, closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(out.rfind("HTTP/1.1 200", 0), 0u) << out;
  EXPECT_NE(out.find("/close"), std::string::npos);
  EXPECT_EQ(lingered_.load(), 1);
}

TEST_F(EdgeListenerTest, StopAcceptingEndsTheAcceptLoop) {
  start(limits());
  listener_->stop_accepting();
  thread_.join();  // listen_after_bind returned
  EXPECT_EQ(test::connect_loopback(port_), -1);
}

TEST_F(EdgeListenerTest, TlsHandshakeAndRequestsOnTheSameLoop) {
  start(limits(), true);
  httplib::SSLClient c("127.0.0.1", port_);
  c.enable_server_certificate_verification(false);
  c.set_keep_alive(true);
  for (const char* path : {"/first", "/second"}) {
    auto res = c.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, path);
  }
}

TEST_F(EdgeListenerTest, AClientThatNeverStartsTheHandshakeIsDroppedAfterTheReadTimeout) {
  start(EdgeLimits{milliseconds(300), milliseconds(2000), milliseconds(2000), milliseconds(2000)}, true);
  bool closed = false;
  const std::string out = read_to_close(connect(), closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(out, "");
}

TEST_F(EdgeListenerTest, UnreadableCertificatesAreRefused) {
  EXPECT_EQ(make_tls_edge_listener(limits(), EdgeHooks{}, dir_.file("missing.pem"), dir_.file("missing.key")), nullptr);
}

}  // namespace
}  // namespace fini::http
