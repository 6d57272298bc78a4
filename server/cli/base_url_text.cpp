#include "cli/base_url_text.hpp"

#include <iostream>

namespace fini::cli {

Result<rest::BaseUrl> parse_typed_base_url(const std::string& text) {
  auto base = rest::parse_base_url(text);
  if (!base.ok()) return base;
  const std::string suffix = "/v2";
  if (base->prefix.size() >= suffix.size() &&
      base->prefix.compare(base->prefix.size() - suffix.size(), suffix.size(), suffix) == 0) {
    base->prefix.resize(base->prefix.size() - suffix.size());
    std::cerr << "fini-mcp: note: the base URL " << text << " ends in /v2, which every Fini endpoint path already "
              << "starts with; using " << base->to_string() << "\n";
  }
  return base;
}

}  // namespace fini::cli
