#include "cli/terminal_question.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <iostream>

#include "common/text.hpp"

namespace fini::cli {

namespace {

// A pipe the cancel callback writes to, so the read below wakes on Ctrl-C as well as on input.
class WakePipe {
 public:
  WakePipe() {
    if (::pipe(fds_) != 0) fds_[0] = fds_[1] = -1;
  }
  ~WakePipe() {
    for (int fd : fds_) {
      if (fd >= 0) ::close(fd);
    }
  }
  WakePipe(const WakePipe&) = delete;
  WakePipe& operator=(const WakePipe&) = delete;
  int read_end() const { return fds_[0]; }
  void wake() const {
    if (fds_[1] >= 0) (void)!::write(fds_[1], "x", 1);
  }

 private:
  int fds_[2];
};

// One line from stdin, read byte by byte so nothing past the newline is consumed.
Result<std::string> read_answer(const CancelToken& cancel) {
  WakePipe wake;
  auto registration = cancel.on_cancel([&wake] { wake.wake(); });
  std::string line;
  while (true) {
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {wake.read_end(), POLLIN, 0}};
    if (::poll(fds, wake.read_end() >= 0 ? 2 : 1, -1) < 0) continue;  // EINTR
    if (cancel.cancelled()) return Status(Code::kCancelled, "interrupted");
    char c = 0;
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n <= 0) return Status(Code::kCancelled, "no answer (end of input)");
    if (c == '\n') return line;
    if (line.size() < 64) line += c;
  }
}

}  // namespace

bool can_ask_on_terminal() { return ::isatty(STDIN_FILENO) && ::isatty(STDERR_FILENO); }

Result<bool> ask_yes_no(const std::string& question, const CancelToken& cancel) {
  if (!can_ask_on_terminal()) {
    return unavailable("no terminal to ask on; pass --yes to run it without asking");
  }
  std::cerr << question << " [y/N] " << std::flush;
  auto answer = read_answer(cancel);
  if (!answer.ok()) {
    std::cerr << "\n";
    return answer.status();
  }
  std::string text = *answer;
  text.erase(std::remove_if(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); }), text.end());
  text = to_lower(text);
  return text == "y" || text == "yes";
}

}  // namespace fini::cli
