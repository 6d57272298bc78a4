#include "common/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <string>

#include "common/hex.hpp"

namespace fini {

namespace fs = std::filesystem;

namespace {

std::string errno_text(int err) { return std::strerror(err); }

// Only names a temp file; the O_EXCL open is what keeps it ours, so secrecy is not needed.
std::string random_suffix() {
  std::random_device rd;
  std::string bytes;
  for (int i = 0; i < 6; ++i) bytes += static_cast<char>(rd() & 0xff);
  return hex_encode(bytes);
}

Status write_all(int fd, std::string_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return failed_precondition(errno_text(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

// The rename is durable only once the directory entry is; best effort (some filesystems refuse).
void sync_dir(const fs::path& dir) {
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace

Status write_file_atomically(const fs::path& target, std::string_view data, mode_t mode) {
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  // Built with append: GCC 12 -O2 flags "." + s + "..." with a false -Wrestrict positive.
  std::string name = ".";
  name.append(target.filename().string()).append(".tmp-").append(std::to_string(::getpid())).append("-");
  const fs::path temp = dir / name.append(random_suffix());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return failed_precondition("cannot create " + temp.string() + ": " + errno_text(errno));
  Status status = [&]() -> Status {
    if (::fchmod(fd, mode) != 0) return failed_precondition(errno_text(errno));  // umask may have taken bits
    if (auto s = write_all(fd, data); !s.ok()) return s;
    if (::fsync(fd) != 0) return failed_precondition(errno_text(errno));
    return {};
  }();
  if (::close(fd) != 0 && status.ok()) status = failed_precondition(errno_text(errno));
  if (status.ok() && ::rename(temp.c_str(), target.c_str()) != 0) status = failed_precondition(errno_text(errno));
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  sync_dir(dir);
  return {};
}

}  // namespace fini
