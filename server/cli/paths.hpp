#pragma once
// Where the installed data lives: manifests/ and skills/ next to the binary
// (<prefix>/share/fini-mcp/… for `make install`, <dir>/… in a bundle), else the source tree.

#include <filesystem>
#include <optional>
#include <string>

namespace fini::cli {

std::filesystem::path executable_dir();
// First existing candidate for a data folder named `name` ("manifests" or "skills").
std::optional<std::filesystem::path> find_data_dir(const std::string& name);

}  // namespace fini::cli
