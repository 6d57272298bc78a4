#pragma once
// The yes/no question a destructive tool asks (the MCP confirmation), asked on the terminal
// instead of through a client: the question on stderr, the answer read from stdin, default no.
// Without a terminal there is nobody to ask, and the caller is told which flag skips the question.

#include <string>

#include "common/cancel.hpp"
#include "common/status.hpp"

namespace fini::cli {

// True when stdin and stderr are both a terminal: someone can read the question and answer it.
bool can_ask_on_terminal();

// Prints `question` and "[y/N]" on stderr and reads one line from stdin: true for y/yes (any
// case), false for anything else or an empty line. kCancelled when `cancel` fires or stdin ends
// first; kUnavailable when there is no terminal (the message names --yes).
Result<bool> ask_yes_no(const std::string& question, const CancelToken& cancel);

}  // namespace fini::cli
