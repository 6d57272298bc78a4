#pragma once
// Termination signals read synchronously on a thread of ours instead of in a signal handler, so
// what follows a signal (drain, cut short) may lock and allocate. The signals of the set must be
// blocked in every thread before they are sent (the commands call block_termination_signals of
// common/signals.hpp before starting any thread).
// Linux: signalfd; a port can use kqueue EVFILT_SIGNAL or a handler that writes to a pipe.
// Thread-safety: one thread calls next(); stop it through the Wakeup from any thread. Never throws.

#include <signal.h>

#include "platform/wakeup.hpp"

namespace fini::platform {

class SignalReader {
 public:
  explicit SignalReader(const sigset_t& signals);
  ~SignalReader();
  SignalReader(const SignalReader&) = delete;
  SignalReader& operator=(const SignalReader&) = delete;

  [[nodiscard]] bool valid() const { return fd_ >= 0; }
  // Blocks until a signal of the set arrives (returns its number) or `stop` is signalled, or the
  // reader is not valid (0).
  int next(const Wakeup& stop);

 private:
  int fd_ = -1;
};

}  // namespace fini::platform
