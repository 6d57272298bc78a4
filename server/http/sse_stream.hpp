#pragma once
// A tools/call's response as the connection thread writes it: the SSE stream of its progress
// events and then its reply (text/event-stream), or the reply alone as a chunked JSON body. A
// client that leaves (a failed write, or a connection no longer writable while nothing is due)
// cancels the call, which aborts its upstream request.

#include <memory>
#include <string>

namespace httplib {
struct Response;
}  // namespace httplib

namespace fini::http {

class HttpCall;

// One SSE event carrying a JSON-RPC message.
std::string sse_event(const std::string& data);
// Sets `res` to stream `call`'s events (when `stream`) and then its reply.
void stream_reply(const std::shared_ptr<HttpCall>& call, bool stream, httplib::Response& res);

}  // namespace fini::http
