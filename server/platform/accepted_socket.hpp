#pragma once
// The socket that the last accept() on this thread returned, taken once (then -1).
// cpp-httplib 0.11 accepts a connection and hands it to its task queue inside an opaque closure,
// so the queue cannot refuse a connection without reading its request first, and a slow client
// could hold the refusing thread. Linux (linux/accept_hook.cpp) interposes accept(): the library
// calls it through the PLT, and our definition in the executable comes first, so the socket is
// remembered on the accepting thread, where the task queue's enqueue() runs right after it.
// A port without symbol interposition returns -1 here: every connection is then queued, and the
// overflow refusal (a 503 without reading the request) is lost; nothing else changes.

namespace fini::platform {

int take_last_accepted_socket();

}  // namespace fini::platform
