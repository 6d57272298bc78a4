#include "credentials/store.hpp"

#include "common/atomic_file.hpp"
#include "common/safe_json.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>

#include <nlohmann/json.hpp>

namespace fini::credentials {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string errno_text(int err) { return std::strerror(err); }

// mkdir -p with 0700 for what we create; an existing folder of ours that others can enter is
// tightened, since the key files inside are only as private as the path to them.
Status ensure_private_dir(const fs::path& dir, bool tighten) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) return failed_precondition(dir.string() + " exists and is not a directory");
    if (tighten && (st.st_mode & 077) != 0 && st.st_uid == ::geteuid()) {
      if (::chmod(dir.c_str(), 0700) != 0) {
        return failed_precondition("cannot restrict " + dir.string() + " to mode 0700: " + errno_text(errno));
      }
    }
    return {};
  }
  if (errno != ENOENT) return failed_precondition("cannot inspect " + dir.string() + ": " + errno_text(errno));
  if (dir.has_parent_path() && dir.parent_path() != dir) {
    if (auto s = ensure_private_dir(dir.parent_path(), false); !s.ok()) return s;
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return failed_precondition("cannot create " + dir.string() + ": " + errno_text(errno));
  }
  if (tighten) ::chmod(dir.c_str(), 0700);  // umask may have taken bits we want explicit
  return {};
}

}  // namespace

Status check_profile_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.') {
    return invalid_argument("invalid profile name '" + std::string(name) +
                            "': use 1-64 letters, digits, '_', '-' or '.', not starting with '.'");
  }
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) {
      return invalid_argument("invalid profile name '" + std::string(name) +
                              "': use 1-64 letters, digits, '_', '-' or '.', not starting with '.'");
    }
  }
  return {};
}

Result<fs::path> default_config_dir() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg == '/') {
    return fs::path(xdg) / "fini-mcp";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home == '/') {
    return fs::path(home) / ".config" / "fini-mcp";
  }
  return failed_precondition("cannot tell where to store keys: neither XDG_CONFIG_HOME nor HOME is set");
}

std::string now_iso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<ProfileStore> ProfileStore::open_default() {
  auto dir = default_config_dir();
  if (!dir.ok()) return dir.status();
  return ProfileStore(*dir);
}

fs::path ProfileStore::path_of(const std::string& name) const { return dir_ / "profiles" / (name + ".json"); }

namespace {

// Every field the store reads, with the type it must have (a hand-edited or foreign file must
// give the "damaged" message, not a crash).
bool profile_shape_ok(const json& j) {
  if (!j.is_object() || !j.contains("key") || !j["key"].is_string()) return false;
  auto typed = [&](const char* name, bool (json::*is)() const noexcept) {
    auto it = j.find(name);
    return it == j.end() || ((*it).*is)();
  };
  if (!typed("baseUrl", &json::is_string) || !typed("checkedAt", &json::is_string) ||
      !typed("invalid", &json::is_boolean) || !typed("scopes", &json::is_array) || !typed("denied", &json::is_array)) {
    return false;
  }
  for (const char* list : {"scopes", "denied"}) {
    if (auto it = j.find(list); it != j.end()) {
      for (const auto& s : *it) {
        if (!s.is_string()) return false;
      }
    }
  }
  return true;
}

}  // namespace

Result<std::optional<Profile>> ProfileStore::load(const std::string& name) const {
  if (auto s = check_profile_name(name); !s.ok()) return s;
  const fs::path path = path_of(name);
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<Profile>();
    return failed_precondition("cannot read the stored key " + path.string() + ": " + errno_text(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return failed_precondition("refusing to read " + path.string() + ": it is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return failed_precondition("refusing to read the stored key " + path.string() +
                               ": it is readable by group or others; run `chmod 600 " + path.string() + "`");
  }
  std::string text;
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > 1024 * 1024) break;
  }
  ::close(fd);
  const json j = parse_json_safely(text).value;
  if (!profile_shape_ok(j)) {
    return Status(Code::kDataLoss, "the stored profile " + path.string() +
                                       " is damaged; remove it with `fini-mcp logout --profile " + name +
                                       "` and run `fini-mcp login --profile " + name + "`");
  }
  Profile p;
  p.name = name;
  p.key = j["key"].get<std::string>();
  p.base_url = j.value("baseUrl", "");
  if (auto it = j.find("scopes"); it != j.end()) {
    std::set<std::string> scopes;
    for (const auto& s : *it) scopes.insert(s.get<std::string>());
    p.scopes = std::move(scopes);
  }
  if (auto it = j.find("denied"); it != j.end()) {
    for (const auto& s : *it) p.denied.insert(s.get<std::string>());
  }
  p.checked_at = j.value("checkedAt", "");
  p.invalid = j.value("invalid", false);
  return std::optional<Profile>(std::move(p));
}

Status ProfileStore::save(const Profile& p) const {
  if (auto s = check_profile_name(p.name); !s.ok()) return s;
  const fs::path dir = dir_ / "profiles";
  if (auto s = ensure_private_dir(dir_, true); !s.ok()) return s;
  if (auto s = ensure_private_dir(dir, true); !s.ok()) return s;

  json j{{"profile", p.name},
         {"key", p.key},
         {"baseUrl", p.base_url},
         {"checkedAt", p.checked_at},
         {"invalid", p.invalid}};
  if (p.scopes) j["scopes"] = json(*p.scopes);
  if (!p.denied.empty()) j["denied"] = json(p.denied);
  const std::string data = j.dump(2) + "\n";

  const fs::path target = path_of(p.name);
  if (auto s = write_file_atomically(target, data, 0600); !s.ok()) {
    return failed_precondition("cannot store the key in " + target.string() + ": " + s.message());
  }
  return {};
}

Result<bool> ProfileStore::remove(const std::string& name) const {
  if (auto s = check_profile_name(name); !s.ok()) return s;
  const fs::path path = path_of(name);
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return false;
    return failed_precondition("cannot remove " + path.string() + ": " + errno_text(errno));
  }
  return true;
}

}  // namespace fini::credentials
