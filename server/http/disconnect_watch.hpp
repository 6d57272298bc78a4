#pragma once
// Notices a client going away while its call runs on the connection's own thread (which is busy
// in the call, not reading the socket): one thread waits on a platform::SocketWatch for the
// peer's FIN/RST on the sockets of calls in progress and reports the call's id.
// Thread-safety: watch() and the Armed guards from any thread; `on_gone` runs on the watch thread.

#include <cstdint>
#include <functional>
#include <thread>

#include "platform/socket_watch.hpp"

namespace fini::http {

class DisconnectWatch {
 public:
  explicit DisconnectWatch(std::function<void(std::uint64_t)> on_gone);
  ~DisconnectWatch();
  DisconnectWatch(const DisconnectWatch&) = delete;
  DisconnectWatch& operator=(const DisconnectWatch&) = delete;

  // Watches `sock` for call `id` while the guard lives (id 0 is reserved; sock -1: nothing to watch).
  class Armed {
   public:
    Armed(platform::SocketWatch& sockets, int sock) : sockets_(sockets), sock_(sock) {}
    ~Armed();
    Armed(const Armed&) = delete;
    Armed& operator=(const Armed&) = delete;

   private:
    platform::SocketWatch& sockets_;
    int sock_;
  };
  [[nodiscard]] Armed watch(int sock, std::uint64_t id);

 private:
  void loop();

  std::function<void(std::uint64_t)> on_gone_;
  platform::SocketWatch sockets_;
  std::thread thread_;
};

}  // namespace fini::http
