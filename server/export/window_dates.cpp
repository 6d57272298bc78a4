#include "export/window_dates.hpp"

#include "tools/epoch_dates.hpp"

namespace fini::exporting {

Status read_window_dates(ExportRequest& request) {
  const auto& window = request.spec.window;
  if (!window) return {};
  std::vector<schema::Coercion> read;
  std::vector<std::string> problems;
  tools::read_iso_dates({window->since_arg, window->until_arg}, request.arguments, read, problems);
  if (!problems.empty()) return invalid_argument("arguments" + problems.front());
  return {};
}

}  // namespace fini::exporting
