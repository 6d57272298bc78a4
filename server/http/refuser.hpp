#pragma once
// Answers connections beyond the server's thread pool without reading their requests, so a slow
// client cannot hold the refusal: the canned response (a 503 + Retry-After, or nothing over TLS,
// where a response needs a handshake) is written at once, the sending side is closed, and what the
// client still sends is read and dropped until it closes or `linger` passes (closing with unread
// input would reset the connection and could destroy the 503 before the client reads it).
// One thread polls every lingering socket; beyond `max_lingering` sockets they are closed at once.
// Thread-safety: refuse() from any thread.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "platform/wakeup.hpp"

namespace fini::http {

class OverflowRefuser {
 public:
  OverflowRefuser(std::string response, std::chrono::milliseconds linger, std::size_t max_lingering = 4096);
  ~OverflowRefuser();  // closes every socket still lingering
  OverflowRefuser(const OverflowRefuser&) = delete;
  OverflowRefuser& operator=(const OverflowRefuser&) = delete;

  void refuse(int sock);  // takes ownership of the socket
  // A connection already answered whose client may still be sending (a refused body): close
  // the sending side, then read and drop until it closes or `linger` passes. Takes the socket.
  void linger(int sock);

 private:
  struct Lingering {
    int sock;
    std::chrono::steady_clock::time_point until;
  };
  void loop();

  const std::string response_;
  const std::chrono::milliseconds linger_;
  const std::size_t max_lingering_;
  platform::Wakeup wake_;
  std::mutex mutex_;
  std::vector<Lingering> incoming_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace fini::http
