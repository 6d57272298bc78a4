#pragma once
// Whether the client of the request a handler is serving is still connected, for a handler that
// waits before it writes anything (and so has no DataSink to ask). cpp-httplib 0.11 does not
// hand handlers their socket: TLS requests expose it through their SSL object; for plain ones the
// descriptor whose local and peer addresses are the request's is looked up once.
// Thread-safe; never throws.

namespace httplib {
struct Request;
}

namespace fini::http {

class PeerWatch {
 public:
  explicit PeerWatch(const httplib::Request& req);
  // true while the peer has not closed its side (or when the socket could not be found).
  bool connected() const;

 private:
  int fd_ = -1;
};

}  // namespace fini::http
