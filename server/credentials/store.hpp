#pragma once
// Stored key profiles: $XDG_CONFIG_HOME/fini-mcp/profiles/<name>.json (fallback
// ~/.config/fini-mcp/…), directories 0700, files 0600, each written atomically (temp file in the
// same directory, fsync, rename, fsync of the directory) so a crash never leaves half a key.
// Files that group or others can read are refused, with the chmod that fixes them.
// Thread-safety: a ProfileStore is immutable; concurrent save() calls on one profile are safe
// (the last rename wins). Never throws; no message ever contains the key.

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "common/status.hpp"

namespace fini::credentials {

struct Profile {
  std::string name;
  std::string key;
  std::string base_url;                         // the API the key was checked against
  std::optional<std::set<std::string>> scopes;  // shown granted by Fini; nullopt: not learned yet
  std::set<std::string> denied;                 // refused by Fini (a 403 naming the scope)
  std::string checked_at;                       // ISO 8601 UTC of the last successful check
  bool invalid = false;                         // the API answered 401 to it since
};

// Profile names: 1-64 characters of [A-Za-z0-9_.-], not starting with '.'.
Status check_profile_name(std::string_view name);

// The profile used when none is named (--profile, FINI_PROFILE).
inline constexpr const char* kDefaultProfile = "default";

// The configuration folder: $XDG_CONFIG_HOME/fini-mcp, else $HOME/.config/fini-mcp.
// kFailedPrecondition when neither variable is set.
Result<std::filesystem::path> default_config_dir();

// "2026-05-20T12:34:56Z" for now.
std::string now_iso8601();

class ProfileStore {
 public:
  explicit ProfileStore(std::filesystem::path config_dir) : dir_(std::move(config_dir)) {}
  static Result<ProfileStore> open_default();

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path path_of(const std::string& name) const;

  // nullopt: no such profile. kFailedPrecondition: unreadable, group/world-readable
  // ("… run `chmod 600 FILE`"), not a regular file, or not valid profile JSON.
  Result<std::optional<Profile>> load(const std::string& name) const;
  // Creates the folders (0700) as needed and replaces the profile atomically (0600).
  Status save(const Profile& profile) const;
  // true: removed; false: there was none.
  Result<bool> remove(const std::string& name) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace fini::credentials
