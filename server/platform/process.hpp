#pragma once
// Facts about this process and its memory that only the OS knows. Thread-safe; never throw.

#include <cstdint>
#include <filesystem>
#include <vector>

namespace fini::platform {

struct ProcessStats {
  std::uint64_t resident_bytes = 0;  // 0: unknown
  double cpu_seconds = 0;            // user + system, all threads
  int open_descriptors = -1;         // -1: unknown
};

ProcessStats process_stats();

// Hands freed heap pages back to the OS (after a large request body). No effect where the
// allocator has no such call: the memory is then reused, not returned.
void release_free_memory();

// The running executable's full path (to find data beside it); empty when the OS will not say.
std::filesystem::path executable_path();

// The descriptors open in this process, ascending; empty when the OS will not list them.
std::vector<int> open_descriptors();

}  // namespace fini::platform
