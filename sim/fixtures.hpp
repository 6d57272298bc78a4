#pragma once
// Fixture loading: the seed workspaces (acme, globex), Fini-managed defaults and well-known keys,
// from a directory or from the copy compiled into the library. Seeding turns relative ages
// ("createdAgoDays") into timestamps relative to "now" and generates conversations from templates
// with a fixed PRNG seed, so the same --now gives byte-identical state.
// Thread-safety: pure functions. Never throws (errors come back as Status).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "sim/store.hpp"

namespace fini::sim {

using FixtureFiles = std::map<std::string, std::string>;  // file name -> JSON text

// The fixtures/*.json compiled into the library (generated at build time).
const FixtureFiles& embedded_fixtures();
Result<FixtureFiles> load_fixture_dir(const std::string& dir);

// conversation_counts: workspace -> how many conversations to generate instead of the fixture's
// "count" (same seed and templates, so the first N of a larger run are not the point; the same
// count and --now give the same conversations).
Result<State> seed_state(const FixtureFiles& files, int64_t now_ms,
                         const std::map<std::string, int>& conversation_counts = {});
Result<std::vector<ApiKey>> load_keys(const FixtureFiles& files);

}  // namespace fini::sim
