#pragma once
// fini-bench outputcheck --manifests DIR [--calls N]: the per-call CPU cost of the outputSchema
// check, as µs and as a ratio to the same call without it.
#include <map>
#include <string>

namespace fini::bench {
int output_check_bench(std::map<std::string, std::string>& flags);
}  // namespace fini::bench
