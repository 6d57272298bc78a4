#pragma once
// One plain-HTTP connection as httplib's Stream, kept for the whole connection (httplib 0.11
// makes a fresh stream per request and drops whatever it had buffered past the request, so
// pipelined requests vanished). It also bounds each request: a total deadline for reading it
// (headers and body; a slow client cannot hold a thread past it) and a byte budget for its
// head (request line and headers), lifted once the head is parsed and the body is read by
// http/body_reader with its own limit. Thread-safety: one connection thread.

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

struct ssl_st;

namespace fini::http {

class ConnStream final : public httplib::Stream {
 public:
  using Clock = std::chrono::steady_clock;
  // `ssl`: a TLS connection already accepted on `sock` (set non-blocking), not owned; null: plain.
  ConnStream(int sock, std::chrono::milliseconds read_timeout, std::chrono::milliseconds write_timeout,
             ssl_st* ssl = nullptr);

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, std::size_t size) override;
  ssize_t write(const char* ptr, std::size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return sock_; }

  // Whether the next request starts within `idle` (bytes buffered or arriving); false: the
  // client closed or stayed silent.
  bool wait_request(std::chrono::milliseconds idle);
  // A new request: every read must end by `deadline`; its head may take `head_budget` bytes.
  void begin_request(Clock::time_point deadline, std::size_t head_budget);
  void end_head() { head_budget_ = kUnlimited; }
  bool timed_out() const { return timed_out_; }        // a read of this request hit the deadline
  std::size_t request_bytes() const { return read_; }  // read for this request so far
  Clock::time_point deadline() const { return deadline_; }
  bool has_buffered() const { return off_ < len_; }

 private:
  static constexpr std::size_t kUnlimited = static_cast<std::size_t>(-1);
  bool wait_readable() const;  // bounded by the read timeout and the deadline
  ssize_t receive(char* buf, std::size_t size);
  bool pending() const;  // decrypted TLS bytes waiting

  int sock_;
  ssl_st* ssl_;
  std::chrono::milliseconds read_timeout_, write_timeout_;
  std::vector<char> buf_;
  std::size_t off_ = 0, len_ = 0;
  Clock::time_point deadline_ = Clock::time_point::max();
  std::size_t head_budget_ = kUnlimited;
  std::size_t read_ = 0;
  mutable bool timed_out_ = false;
};

}  // namespace fini::http
