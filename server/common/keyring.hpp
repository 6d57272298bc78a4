#pragma once
// KeyRing: the server secret(s) that seal every code, token and client id the authorization
// server hands out (AES-256-GCM through OpenSSL EVP), so that any replica sharing the secret file
// can open what another sealed and no replica keeps any state. The first secret seals; every
// secret opens, so a new secret can be put first while the old one still opens what it sealed
// (rotation without logging everyone out). A sealed value is `fm1.<kid>.<base64url(nonce‖ct‖tag)>`;
// its type (code, access, refresh, client, …) is bound in as associated data, so one kind can
// never be opened as another. Thread-safe after construction; never throws; never logs a secret.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.hpp"

namespace fini {

inline constexpr std::size_t kMinSecretLength = 32;
inline constexpr std::size_t kMaxSealedLength = 16 * 1024;

class KeyRing {
 public:
  // One secret per line (blank lines and lines starting with '#' skipped), each at least
  // kMinSecretLength characters, e.g. from `openssl rand -hex 32`. The file must not be readable
  // by group or others. kFailedPrecondition / kInvalidArgument with a message naming the file,
  // never its content.
  static Result<KeyRing> from_file(const std::string& path);
  static Result<KeyRing> from_secrets(const std::vector<std::string>& secrets);
  // A random secret for this process only (tokens die with it and cannot cross replicas). The
  // secret is drawn on first use, not here: a stdio session that never seals pays nothing for it
  // at start-up. Should the system random generator fail then, nothing seals and nothing opens.
  static Result<KeyRing> ephemeral();

  std::optional<std::string> seal(std::string_view type, const nlohmann::json& payload) const;
  // The payload, or nullopt when the value is malformed, sealed under a secret not in the ring,
  // sealed as another type, or altered.
  std::optional<nlohmann::json> open(std::string_view type, std::string_view sealed) const;

  std::size_t size() const { return keys().size(); }

 private:
  struct Key {
    std::string id;        // 8 base64url characters, derived from the secret (not secret)
    std::string material;  // 32 bytes
  };
  struct LazySecret;  // the ephemeral secret, drawn once on first use (shared by copies)
  const std::vector<Key>& keys() const;
  static std::vector<Key> keys_from(const std::vector<std::string>& secrets);
  std::vector<Key> keys_;
  std::shared_ptr<LazySecret> lazy_;
};

}  // namespace fini
