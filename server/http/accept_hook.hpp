#pragma once
// The socket that the last accept() on this thread returned, taken once (then -1).
// cpp-httplib 0.11 accepts a connection and hands it to its task queue inside an opaque closure,
// so the queue cannot refuse a connection without reading its request first, and a slow client
// could hold the refusing thread. This file interposes accept() (the library calls it through the
// PLT; our definition in the executable comes first) to remember the socket on the accepting
// thread, where the task queue's enqueue() runs right after it.

namespace fini::http {

int take_last_accepted_socket();

}  // namespace fini::http
