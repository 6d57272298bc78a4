#pragma once
// Termination signals handled synchronously: block SIGTERM/SIGINT in the calling thread (and so
// in every thread it starts afterwards) for one thread to sigwait on, and ignore SIGPIPE so a
// peer closing a socket or pipe is an error return, not a kill. Call before starting threads.

#include <signal.h>

namespace fini {

sigset_t block_termination_signals();

}  // namespace fini
