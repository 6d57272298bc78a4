#pragma once
// The sequence of `fini-mcp doctor`: every read tool once (ids taken from the lists before it),
// and the questions Fini's docs leave open (does list_conversations honour agentId, is the page
// array key `interactions`, does a window of exactly 90 days pass, are unknown query parameters
// ignored, what is initialize_knowledge_tree's file). About 30 requests, all read-only.

#include <string>

#include "cli/doctor_probe.hpp"
#include "cli/doctor_report.hpp"

namespace fini::cli {

void run_checks(DoctorProbe& probe, DoctorReport& report, const std::string& key_source);

}  // namespace fini::cli
