#include "cli/paths.hpp"

#include <system_error>
#include <vector>

namespace fini::cli {

std::filesystem::path executable_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::filesystem::current_path(ec);
  return exe.parent_path();
}

std::optional<std::filesystem::path> find_data_dir(const std::string& name) {
  const auto dir = executable_dir();
  std::vector<std::filesystem::path> candidates = {
      dir / name,                                  // bundle: server/<binary> + server/manifests
      dir.parent_path() / "share" / "fini-mcp" / name,  // make install
  };
#ifdef FINI_SOURCE_DIR
  candidates.emplace_back(std::filesystem::path(FINI_SOURCE_DIR) / name);  // build tree
#endif
  for (const auto& c : candidates) {
    std::error_code ec;
    if (std::filesystem::is_directory(c, ec)) return c;
  }
  return std::nullopt;
}

}  // namespace fini::cli
