#include "http/sse_stream.hpp"

#include <httplib.h>

#include "http/http_call.hpp"
#include "http/request_scope.hpp"

namespace fini::http {

std::string sse_event(const std::string& data) { return "event: message\ndata: " + data + "\n\n"; }

// The connection thread writes what the worker produces: progress events, then the reply.
void stream_reply(const std::shared_ptr<HttpCall>& call, bool stream, httplib::Response& res) {
  if (stream) {
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");  // nginx: do not buffer this stream
  }
  res.set_chunked_content_provider(stream ? "text/event-stream" : "application/json",
                                   [call, stream](std::size_t, httplib::DataSink& sink) {
                                     std::unique_lock lock(call->mutex);
                                     for (;;) {
                                       while (!call->events.empty()) {
                                         std::string event = std::move(call->events.front());
                                         call->events.pop_front();
                                         lock.unlock();
                                         if (!sink.write(event.data(), event.size())) {
                                           call->cancel("the client disconnected", false);
                                           t_info.client_gone = true;
                                           return false;
                                         }
                                         lock.lock();
                                       }
                                       if (call->reply) {
                                         const std::string out = stream ? sse_event(*call->reply) : *call->reply;
                                         t_info.upstream_status = call->upstream_status.load();
                                         lock.unlock();
                                         if (!sink.write(out.data(), out.size())) {
                                           t_info.client_gone = true;
                                           return false;
                                         }
                                         sink.done();
                                         return true;
                                       }
                                       if (call->cv.wait_for(lock, std::chrono::milliseconds(200),
                                                             [&] { return call->reply || !call->events.empty(); })) {
                                         continue;
                                       }
                                       // Nothing yet: is the client still there? A closed connection cancels the call, which
                                       // aborts its upstream request (the cancel token reaches the socket).
                                       lock.unlock();
                                       if (!sink.is_writable()) {
                                         call->cancel("the client disconnected", false);
                                         t_info.client_gone = true;
                                         t_info.upstream_status = call->upstream_status.load();
                                         return false;
                                       }
                                       lock.lock();
                                     }
                                   });
}

}  // namespace fini::http
