#include "platform/process.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <string>
#include <system_error>

namespace fini::platform {

namespace {

// Resident pages are the second field of /proc/self/statm.
std::uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  const long page = ::sysconf(_SC_PAGESIZE);
  return page > 0 ? resident * static_cast<std::uint64_t>(page) : 0;
}

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

}  // namespace

ProcessStats process_stats() {
  ProcessStats stats;
  stats.resident_bytes = resident_bytes();
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) == 0) stats.cpu_seconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  std::error_code ec;
  if (std::filesystem::is_directory("/proc/self/fd", ec))
    stats.open_descriptors = static_cast<int>(open_descriptors().size());
  return stats;
}

void release_free_memory() { ::malloc_trim(0); }

std::filesystem::path executable_path() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe;
}

std::vector<int> open_descriptors() {
  std::vector<int> fds;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    const std::string name = entry.path().filename().string();
    int fd = -1;
    if (std::from_chars(name.data(), name.data() + name.size(), fd).ec == std::errc() && fd >= 0) fds.push_back(fd);
  }
  // The listing's own descriptor is in the list and closed by now.
  std::erase_if(fds, [](int fd) { return ::fcntl(fd, F_GETFD) < 0; });
  std::sort(fds.begin(), fds.end());
  return fds;
}

}  // namespace fini::platform
