#pragma once
// Test-time PKI: a fresh CA and a server certificate signed by it, written as PEM files, so TLS
// tests never depend on checked-in keys or the network. Throws std::runtime_error on failure
// (test code only). Thread-safety: independent calls are safe (OpenSSL 3 is thread-safe).

#include <filesystem>
#include <string>
#include <vector>

namespace fini::testing {

struct TestPki {
  std::string ca_pem_path;  // the CA certificate: pass as ClientOptions::ca_file
  std::string cert_path;    // server certificate (leaf), PEM
  std::string key_path;     // server private key, PEM (unencrypted)
};

// Writes ca.pem, cert.pem and key.pem into `dir` (created if missing). The server certificate
// (P-256, SHA-256, valid from an hour ago for two days) has a subjectAltName entry per name:
// IP literals become IP entries, anything else DNS entries.
TestPki make_test_pki(const std::filesystem::path& dir,
                      const std::vector<std::string>& names = {"localhost", "127.0.0.1", "::1"});

}  // namespace fini::testing
