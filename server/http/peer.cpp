#include "http/peer.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstdlib>
#include <string>

namespace fini::http {

namespace {

int port_of(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return -1;
}

std::string host_of(const sockaddr_storage& a) {
  char text[INET6_ADDRSTRLEN] = {};
  const void* addr = a.ss_family == AF_INET ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in&>(a).sin_addr)
                                            : static_cast<const void*>(&reinterpret_cast<const sockaddr_in6&>(a).sin6_addr);
  return inet_ntop(a.ss_family, addr, text, sizeof(text)) != nullptr ? std::string(text) : std::string();
}

// The socket whose local port and peer address/port are the request's.
int find_socket(const httplib::Request& req) {
  DIR* d = ::opendir("/proc/self/fd");
  if (d == nullptr) return -1;
  int found = -1;
  while (dirent* e = ::readdir(d)) {
    const int fd = std::atoi(e->d_name);
    if (fd <= 2) continue;
    sockaddr_storage local{}, peer{};
    socklen_t ll = sizeof(local), pl = sizeof(peer);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) != 0 || port_of(local) != req.local_port) continue;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) != 0 || port_of(peer) != req.remote_port) continue;
    if (host_of(peer) != req.remote_addr) continue;
    found = fd;
    break;
  }
  ::closedir(d);
  return found;
}

}  // namespace

PeerWatch::PeerWatch(const httplib::Request& req) {
  if (req.ssl != nullptr) fd_ = SSL_get_fd(req.ssl);
  if (fd_ < 0) fd_ = find_socket(req);
}

bool PeerWatch::connected() const {
  if (fd_ < 0) return true;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return true;
  if ((p.revents & (POLLHUP | POLLERR)) != 0) return false;
  char byte = 0;
  return ::recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) != 0;
}

}  // namespace fini::http
