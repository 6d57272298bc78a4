#pragma once
// What to check when Fini cannot be reached from the command line: the error text names what
// failed (TLS verification, a handshake, a connection); this adds the knob a person turns.

#include <string>

namespace fini::cli {

// "\nCheck: …" for a transport failure in `error_text`, else empty.
std::string network_hint(const std::string& error_text);

}  // namespace fini::cli
