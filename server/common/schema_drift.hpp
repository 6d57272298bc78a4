#pragma once
// The process-wide count of outputSchema drift by tool: a Fini answer whose structured content did
// not match the tool's published outputSchema (coerced or refused). Kept in common/ because the
// tools record it and the HTTP transport renders it on /metrics; stdio has no /metrics, so there
// the counter only lives in-process. Labels are manifest tool names, so the set stays bounded.
// Thread-safe.

#include <cstdint>
#include <map>
#include <string>

namespace fini {

void record_schema_drift(const std::string& tool);
std::map<std::string, std::uint64_t> schema_drift_counts();

}  // namespace fini
