#pragma once
// KeyAsker: what credentials/ needs from the call it serves, and nothing more: the caller's own
// key (if the transport carries one), the call's cancellation, and a way to send the person to
// the key page (a link they open in a browser; the key never travels through the client).
// Each transport or era answers it its own way (MCP's elicitation/create in url mode, or an
// input-required result); the adapter from mcp::CallContext lives in tools/, so credentials/
// depends on no protocol module. Implementations must be usable from the calling thread only
// and must not throw.

#include <chrono>
#include <string>

#include "common/call_key.hpp"
#include "common/cancel.hpp"
#include "common/status.hpp"

namespace fini::credentials {

// A request to open the key page: where, what to tell the person, and the id that later says
// it is done.
struct KeyLink {
  std::string url;
  std::string message;
  std::string id;
};

// The person's answer to a KeyLink.
enum class LinkAnswer {
  kAccepted,    // they opened it: the key will arrive through the page
  kDeclined,    // they said no
  kDismissed,   // they closed the question without answering
  kUnexpected,  // the client answered something else
};

class KeyAsker {
 public:
  virtual ~KeyAsker() = default;
  // The caller's own key when the transport carries one per call; empty: the process's
  // credentials decide.
  virtual const CallKey& call_key() const = 0;
  virtual const CancelToken& cancel_token() const = 0;
  bool cancelled() const { return cancel_token().cancelled(); }
  // Whether the client can open a link for the person at all.
  virtual bool can_open_links() const = 0;
  // Asks the person to open `link`; blocks until their answer, `timeout`, cancellation of the
  // call or disconnect. Errors: kCancelled, kDeadlineExceeded, or another code with a message
  // saying why the client could not ask (never containing a key).
  virtual Result<LinkAnswer> open_link(const KeyLink& link, std::chrono::milliseconds timeout) = 0;
  // The key for `link` has arrived: the client may close whatever it showed.
  virtual void link_done(const KeyLink& link) = 0;
};

}  // namespace fini::credentials
