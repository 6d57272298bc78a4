#pragma once
// Notices peers that went away (FIN or RST) on connected sockets nobody is reading: a call that
// runs on its connection's own thread is busy in the call, not in recv(). Each socket added is
// reported at most once, by the tag it was added with; data that arrives is not an event.
// Linux: epoll with EPOLLRDHUP | EPOLLONESHOT; a port can use kqueue (EV_EOF) or poll(POLLRDHUP).
// Thread-safety: add/remove/stop from any thread; wait() from one thread. Never throws.

#include <cstdint>
#include <vector>

#include "platform/wakeup.hpp"

namespace fini::platform {

class SocketWatch {
 public:
  SocketWatch();
  ~SocketWatch();
  SocketWatch(const SocketWatch&) = delete;
  SocketWatch& operator=(const SocketWatch&) = delete;

  [[nodiscard]] bool valid() const { return poll_fd_ >= 0 && stop_.valid(); }
  // Watches `sock` until remove(sock) (or the report); `tag` must not be 0. False: not watched.
  bool add(int sock, std::uint64_t tag);
  void remove(int sock);  // before the socket is closed
  // Blocks until at least one watched peer has gone (appends their tags to `gone`, returns true)
  // or stop() was called (returns false, now and on every later call).
  bool wait(std::vector<std::uint64_t>& gone);
  void stop();

 private:
  int poll_fd_ = -1;
  Wakeup stop_;
};

}  // namespace fini::platform
