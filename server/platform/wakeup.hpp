#pragma once
// A wake-up one thread sends to another that is waiting in poll(2): signal() makes fd() readable
// until clear() (a shutdown that must not wait for a client, a loop told to look at new work).
// Linux: one eventfd; a port can use a pipe (read end as fd()).
// Thread-safety: signal() and clear() from any thread; never blocks, never throws. When the OS
// refuses the descriptor, valid() is false, fd() is -1 and signal() does nothing.

namespace fini::platform {

class Wakeup {
 public:
  Wakeup();
  ~Wakeup();
  Wakeup(const Wakeup&) = delete;
  Wakeup& operator=(const Wakeup&) = delete;

  [[nodiscard]] bool valid() const { return read_fd_ >= 0; }
  [[nodiscard]] int fd() const { return read_fd_; }  // poll it for POLLIN
  void signal() const;
  void clear() const;  // consumes every signal() so far

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;  // the same descriptor as read_fd_ on Linux
};

}  // namespace fini::platform
