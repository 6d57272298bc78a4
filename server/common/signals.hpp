#pragma once
// Termination signals handled synchronously: block SIGTERM/SIGINT in the calling thread (and so
// in every thread it starts afterwards), and ignore SIGPIPE so a peer closing a socket or pipe
// is an error return, not a kill. Call before starting threads.
// SignalWatcher: one owned thread that reports those signals as they arrive (first, second, …)
// until it is destroyed — RAII, so it never outlives what its callback uses. The OS part is
// platform::SignalReader.

#include <signal.h>

#include <functional>
#include <thread>

#include "platform/signal_reader.hpp"
#include "platform/wakeup.hpp"

namespace fini {

sigset_t block_termination_signals();

class SignalWatcher {
 public:
  // on_signal(count, signo) runs on the watcher thread; count is 1 for the first signal.
  SignalWatcher(sigset_t signals, std::function<void(int, int)> on_signal);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  void loop();
  platform::SignalReader reader_;
  platform::Wakeup stop_;
  std::function<void(int, int)> on_signal_;
  std::thread thread_;
};

}  // namespace fini
