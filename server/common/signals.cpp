#include "common/signals.hpp"

#include <pthread.h>

#include <csignal>

namespace fini {

sigset_t block_termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return set;
}

SignalWatcher::SignalWatcher(sigset_t signals, std::function<void(int, int)> on_signal)
    : reader_(signals), on_signal_(std::move(on_signal)), thread_([this] { loop(); }) {}

SignalWatcher::~SignalWatcher() {
  stop_.signal();
  if (thread_.joinable()) thread_.join();
}

void SignalWatcher::loop() {
  int count = 0;
  while (const int signo = reader_.next(stop_)) on_signal_(++count, signo);
}

}  // namespace fini
