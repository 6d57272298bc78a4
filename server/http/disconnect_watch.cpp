#include "http/disconnect_watch.hpp"

#include <vector>

namespace fini::http {

DisconnectWatch::DisconnectWatch(std::function<void(std::uint64_t)> on_gone)
    : on_gone_(std::move(on_gone)), thread_([this] { loop(); }) {}

DisconnectWatch::~DisconnectWatch() {
  sockets_.stop();
  thread_.join();
}

DisconnectWatch::Armed DisconnectWatch::watch(int sock, std::uint64_t id) {
  if (sock < 0 || !sockets_.add(sock, id)) return Armed(sockets_, -1);
  return Armed(sockets_, sock);
}

DisconnectWatch::Armed::~Armed() {
  if (sock_ >= 0) sockets_.remove(sock_);
}

void DisconnectWatch::loop() {
  std::vector<std::uint64_t> gone;
  while (sockets_.wait(gone)) {
    for (const std::uint64_t id : gone) on_gone_(id);
    gone.clear();
  }
}

}  // namespace fini::http
