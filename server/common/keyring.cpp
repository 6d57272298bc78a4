#include "common/keyring.hpp"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "common/crypto.hpp"
#include "common/safe_json.hpp"
#include "common/text.hpp"

namespace fini {

namespace {

constexpr std::string_view kVersion = "fm1";
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

std::string aad_for(const std::string& kid, std::string_view type) {
  return std::string(kVersion) + "|" + kid + "|" + std::string(type);
}

}  // namespace

struct KeyRing::LazySecret {
  std::once_flag once;
  std::vector<Key> keys;  // empty when the random generator failed
};

std::vector<KeyRing::Key> KeyRing::keys_from(const std::vector<std::string>& secrets) {
  std::vector<Key> keys;
  for (const auto& secret : secrets) {
    // Secrets are high-entropy; domain-separated hashes give the AES key and a public key id.
    keys.push_back(Key{base64url_encode(sha256("fini-mcp oauth kid v1\n" + secret)).substr(0, 8),
                       sha256("fini-mcp oauth seal v1\n" + secret)});
  }
  return keys;
}

const std::vector<KeyRing::Key>& KeyRing::keys() const {
  if (!lazy_) return keys_;
  std::call_once(lazy_->once, [this] {
    if (auto bytes = random_bytes(32)) lazy_->keys = keys_from({base64url_encode(*bytes)});
  });
  return lazy_->keys;
}

Result<KeyRing> KeyRing::from_secrets(const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.size() < kMinSecretLength) {
      return invalid_argument("a token secret is shorter than " + std::to_string(kMinSecretLength) +
                              " characters (make one with `openssl rand -hex 32`)");
    }
  }
  if (secrets.empty()) return invalid_argument("no token secret given");
  KeyRing ring;
  ring.keys_ = keys_from(secrets);
  return ring;
}

Result<KeyRing> KeyRing::from_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return failed_precondition("cannot read --token-secret-file " + path);
  if ((st.st_mode & 077) != 0) {
    return failed_precondition("refusing to read " + path + ": it is readable by group or others; run `chmod 600 " +
                               path + "`");
  }
  std::ifstream in(path);
  if (!in) return failed_precondition("cannot read --token-secret-file " + path);
  std::vector<std::string> secrets;
  std::string line;
  while (std::getline(in, line)) {
    line = std::string(trim(line, " \t\r\n"));
    if (line.empty() || line[0] == '#') continue;
    secrets.push_back(line);
  }
  auto ring = from_secrets(secrets);
  if (!ring.ok()) return invalid_argument("--token-secret-file " + path + ": " + ring.status().message());
  return ring;
}

Result<KeyRing> KeyRing::ephemeral() {
  KeyRing ring;
  ring.lazy_ = std::make_shared<LazySecret>();
  return ring;
}

std::optional<std::string> KeyRing::seal(std::string_view type, const nlohmann::json& payload) const {
  const std::vector<Key>& keys = this->keys();
  if (keys.empty()) return std::nullopt;
  const Key& key = keys.front();
  auto nonce = random_bytes(kNonceBytes);
  if (!nonce) return std::nullopt;
  const std::string plain = payload.dump();
  const std::string aad = aad_for(key.id, type);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string out = *nonce;
  out.resize(kNonceBytes + plain.size() + kTagBytes);
  auto* cipher = reinterpret_cast<unsigned char*>(out.data()) + kNonceBytes;
  int len = 0, total = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, reinterpret_cast<const unsigned char*>(key.material.data()),
                         reinterpret_cast<const unsigned char*>(nonce->data())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), cipher, &len, reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) != 1) {
    return std::nullopt;
  }
  total = len;
  if (EVP_EncryptFinal_ex(ctx.get(), cipher + total, &len) != 1) return std::nullopt;
  total += len;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, cipher + total) != 1) return std::nullopt;
  return std::string(kVersion) + "." + key.id + "." + base64url_encode(out);
}

std::optional<nlohmann::json> KeyRing::open(std::string_view type, std::string_view sealed) const {
  if (sealed.size() > kMaxSealedLength) return std::nullopt;
  const auto dot1 = sealed.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : sealed.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || sealed.substr(0, dot1) != kVersion) return std::nullopt;
  const std::string kid(sealed.substr(dot1 + 1, dot2 - dot1 - 1));
  const Key* key = nullptr;
  for (const auto& k : keys()) {
    if (k.id == kid) key = &k;
  }
  auto raw = base64url_decode(sealed.substr(dot2 + 1));
  if (key == nullptr || !raw || raw->size() < kNonceBytes + kTagBytes) return std::nullopt;
  const std::string aad = aad_for(kid, type);
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw->data());
  const int cipher_len = static_cast<int>(raw->size() - kNonceBytes - kTagBytes);
  std::string plain(static_cast<std::size_t>(cipher_len), '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  std::string tag = raw->substr(kNonceBytes + static_cast<std::size_t>(cipher_len));
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, reinterpret_cast<const unsigned char*>(key->material.data()),
                         bytes) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len, bytes + kNonceBytes,
                        cipher_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1) {
    return std::nullopt;
  }
  int final_len = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &final_len) != 1) {
    return std::nullopt;  // wrong key or altered: the tag does not verify
  }
  auto parsed = parse_json_safely(plain);
  if (!parsed.value.is_object()) return std::nullopt;
  return parsed.value;
}

}  // namespace fini
