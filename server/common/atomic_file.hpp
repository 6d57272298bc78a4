#pragma once
// Replacing a file so that a reader (or a crash) sees the old content or the new, never a torn
// mix: a temp file in the same folder (O_EXCL, never through a symlink), write, fsync, rename over
// the target, fsync the folder. The temp file is removed on any failure.
// Thread-safety: safe for different targets; concurrent writers of one target: last rename wins.

#include <sys/types.h>

#include <filesystem>
#include <string_view>

#include "common/status.hpp"

namespace fini {

// On failure: kFailedPrecondition with what failed and the system's reason (no file content).
Status write_file_atomically(const std::filesystem::path& target, std::string_view data, mode_t mode = 0600);

}  // namespace fini
