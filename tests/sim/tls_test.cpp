// HTTPS: a CA and a server certificate (SAN 127.0.0.1) are generated at test time with OpenSSL's C
// API; an SSLClient that trusts only that CA must verify the sandbox, one that does not must fail.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>

#include "sim_test_util.hpp"
#include "temp_dir.hpp"

namespace fini::sim::testing {
namespace {

EVP_PKEY* new_key() { return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); }

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  ASSERT_NE(ext, nullptr);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

X509* make_cert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, bool ca, long serial) {
  X509* c = X509_new();
  X509_set_version(c, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c), serial);
  X509_gmtime_adj(X509_getm_notBefore(c), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c), 3600L * 24);
  X509_set_pubkey(c, key);
  X509_NAME* name = X509_get_subject_name(c);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name);
  X509* iss = issuer ? issuer : c;
  if (ca) {
    add_ext(c, iss, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(c, iss, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(c, iss, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(c, iss, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    add_ext(c, iss, NID_ext_key_usage, "serverAuth");
  }
  X509_sign(c, issuer_key ? issuer_key : key, EVP_sha256());
  return c;
}

void write_cert(const std::string& path, X509* c) {
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_X509(f, c);
  std::fclose(f);
}

void write_key(const std::string& path, EVP_PKEY* k) {
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_PrivateKey(f, k, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

class TlsTest : public SandboxTest {
 protected:
  void SetUp() override {
    EVP_PKEY* ca_key = new_key();
    EVP_PKEY* srv_key = new_key();
    ASSERT_TRUE(ca_key && srv_key);
    X509* ca = make_cert(ca_key, "fini-sim test CA", nullptr, nullptr, true, 1);
    X509* srv = make_cert(srv_key, "127.0.0.1", ca, ca_key, false, 2);
    write_cert(dir_.file("ca.pem"), ca);
    write_cert(dir_.file("server.pem"), srv);
    write_key(dir_.file("server.key"), srv_key);
    X509_free(ca);
    X509_free(srv);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(srv_key);
  }
  TempDir dir_;
};

TEST_F(TlsTest, VerifiedHttpsWithATestCa) {
  SandboxOptions o = test_options();
  o.tls_cert_file = dir_.file("server.pem");
  o.tls_key_file = dir_.file("server.key");
  start(o);
  ASSERT_EQ(sb_->url(), "https://127.0.0.1:" + std::to_string(sb_->port()));
  httplib::SSLClient cli("127.0.0.1", sb_->port());
  cli.set_ca_cert_path(dir_.file("ca.pem").c_str());
  cli.enable_server_certificate_verification(true);
  cli.set_bearer_token_auth(kAcmeRead);
  auto r = to_resp(cli.Get("/v2/bots/public"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), 3u);
  // The same handler stack: envelopes over TLS too.
  EXPECT_TRUE(is_envelope(to_resp(cli.Post("/v2/hc-folders/public", "{}", "application/json")), 403));

  httplib::SSLClient untrusting("127.0.0.1", sb_->port());
  untrusting.set_ca_cert_path(dir_.file("server.pem").c_str());  // not a CA: the chain cannot verify
  untrusting.enable_server_certificate_verification(true);
  auto bad = untrusting.Get("/v2/bots/public");
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error(), httplib::Error::SSLServerVerification);

  // Plain HTTP against the TLS port gets no usable answer.
  httplib::Client plain("127.0.0.1", sb_->port());
  plain.set_read_timeout(2, 0);
  auto p = plain.Get("/v2/bots/public");
  EXPECT_TRUE(!p || p->status != 200);
}

TEST_F(TlsTest, BadCertificateFilesFailStart) {
  SandboxOptions o = test_options();
  o.tls_cert_file = dir_.file("missing.pem");
  o.tls_key_file = dir_.file("server.key");
  auto s = Sandbox::start(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("TLS: cannot load certificate/key"), std::string::npos);
}

}  // namespace
}  // namespace fini::sim::testing
