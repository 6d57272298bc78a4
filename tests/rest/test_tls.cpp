#include "rest/test_tls.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>

namespace fini::testing {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct FileClose {
  void operator()(FILE* f) const { std::fclose(f); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("make_test_pki: ") + what);
}

PkeyPtr make_key() {
  PkeyPtr key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EVP_EC_gen failed");
  return key;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(ext != nullptr, "X509V3_EXT_conf_nid failed");
  const int rc = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  check(rc == 1, "X509_add_ext failed");
}

X509Ptr make_cert(EVP_PKEY* key, const std::string& cn, long serial, X509* issuer) {
  X509Ptr cert(X509_new());
  check(cert != nullptr, "X509_new failed");
  check(X509_set_version(cert.get(), 2) == 1, "X509_set_version failed");
  check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial) == 1, "serial failed");
  check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr, "notBefore failed");
  check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 2L * 24 * 3600) != nullptr, "notAfter failed");
  check(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey failed");
  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("fini-mcp tests"),
                                   -1, -1, 0) == 1,
        "subject O failed");
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                   0) == 1,
        "subject CN failed");
  X509* signer = issuer != nullptr ? issuer : cert.get();
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) == 1, "issuer failed");
  return cert;
}

void sign(X509* cert, EVP_PKEY* key) { check(X509_sign(cert, key, EVP_sha256()) > 0, "X509_sign failed"); }

void write_file(const std::filesystem::path& path, const std::function<int(FILE*)>& writer) {
  std::unique_ptr<FILE, FileClose> f(std::fopen(path.c_str(), "wb"));
  check(f != nullptr, "cannot open output file");
  check(writer(f.get()) == 1, "PEM write failed");
}

bool is_ip(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

}  // namespace

TestPki make_test_pki(const std::filesystem::path& dir, const std::vector<std::string>& names) {
  std::filesystem::create_directories(dir);

  PkeyPtr ca_key = make_key();
  X509Ptr ca = make_cert(ca_key.get(), "fini-mcp test CA", 1, nullptr);
  add_ext(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_ext(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  sign(ca.get(), ca_key.get());

  PkeyPtr key = make_key();
  const std::string cn = names.empty() ? std::string("localhost") : names.front();
  X509Ptr cert = make_cert(key.get(), cn, 2, ca.get());
  add_ext(cert.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_ext(cert.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  add_ext(cert.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  add_ext(cert.get(), ca.get(), NID_subject_key_identifier, "hash");
  add_ext(cert.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  if (!names.empty()) {
    std::string san;
    for (const auto& n : names) {
      if (!san.empty()) san += ",";
      san += (is_ip(n) ? "IP:" : "DNS:") + n;
    }
    add_ext(cert.get(), ca.get(), NID_subject_alt_name, san);
  }
  sign(cert.get(), ca_key.get());

  TestPki out{(dir / "ca.pem").string(), (dir / "cert.pem").string(), (dir / "key.pem").string()};
  write_file(out.ca_pem_path, [&](FILE* f) { return PEM_write_X509(f, ca.get()); });
  write_file(out.cert_path, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
  write_file(out.key_path,
             [&](FILE* f) { return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr); });
  return out;
}

}  // namespace fini::testing
