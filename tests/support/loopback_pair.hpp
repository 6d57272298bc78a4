#pragma once
// A connected TCP pair over 127.0.0.1 (client end, accepted end), made with the real accept(),
// for tests that need a peer to close. Both ends are closed by the destructor unless released.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace fini::test {

struct LoopbackPair {
  int client = -1;
  int accepted = -1;

  LoopbackPair() {
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener, 1) != 0 ||
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ::close(listener);
      return;
    }
    client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      accepted = ::accept(listener, nullptr, nullptr);  // libc's name: the hook under test sees it
    }
    ::close(listener);
  }
  ~LoopbackPair() {
    close_client();
    if (accepted >= 0) ::close(accepted);
  }
  LoopbackPair(const LoopbackPair&) = delete;
  LoopbackPair& operator=(const LoopbackPair&) = delete;

  void close_client() {
    if (client >= 0) ::close(client);
    client = -1;
  }
};

}  // namespace fini::test
