#include "cli/paths.hpp"

#include <system_error>
#include <vector>

#include "platform/process.hpp"

namespace fini::cli {

std::filesystem::path executable_dir() {
  const auto exe = platform::executable_path();
  std::error_code ec;
  if (exe.empty()) return std::filesystem::current_path(ec);
  return exe.parent_path();
}

std::optional<std::filesystem::path> find_data_dir(const std::string& name) {
  const auto dir = executable_dir();
  std::vector<std::filesystem::path> candidates = {
      dir / name,                                       // bundle: server/<binary> + server/manifests
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
