#pragma once
// The command line: parses arguments (CLI11), wires the modules, runs, and maps every failure
// to an exit code (0 ok, 1 runtime failure, 2 usage or configuration error). Only main calls it.

namespace fini::cli {

int run(int argc, char** argv);

}  // namespace fini::cli
