#include "platform/accepted_socket.hpp"

#include <sys/socket.h>

namespace {
thread_local int t_last_accepted = -1;
}  // namespace

// Same contract as libc's accept(); accept4 is a distinct symbol, so this does not recurse.
extern "C" int accept(int fd, sockaddr* addr, socklen_t* len) {
  const int sock = ::accept4(fd, addr, len, 0);
  t_last_accepted = sock;
  return sock;
}

namespace fini::platform {

int take_last_accepted_socket() {
  const int sock = t_last_accepted;
  t_last_accepted = -1;
  return sock;
}

}  // namespace fini::platform
