#pragma once
// The shared test TempDir (tests/support/temp_dir.hpp) under the sandbox tests' namespace.
#include "support/temp_dir.hpp"

namespace fini::sim::testing {
using TempDir = fini::test::TempDir;
}  // namespace fini::sim::testing
