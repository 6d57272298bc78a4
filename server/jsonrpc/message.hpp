#pragma once
// JSON-RPC 2.0 message model and a parser that never throws. Classifies one line of input into
// a request, notification, response (to one of our server→client requests), batch, or an error
// reply to send back. Thread-safety: pure functions.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fini::jsonrpc {

using Json = nlohmann::json;

inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
// MCP: a request needs a URL elicitation first (2025-11-25).
inline constexpr int kUrlElicitationRequired = -32042;

struct Error {
  int code = kInternalError;
  std::string message;
  Json data;  // null: omitted
};

struct Request {
  Json id;  // string or number, echoed exactly
  std::string method;
  Json params;  // object, array, or null when absent
};

struct Notification {
  std::string method;
  Json params;
};

struct Response {  // a reply from the peer to a request we sent
  Json id;
  std::optional<Json> result;
  std::optional<Error> error;
};

// A line that must be answered with an error (id may be null).
struct Invalid {
  Json id;
  Error error;
};

struct Batch {
  Json items;  // the raw array; each element is classified with classify()
};

using Message = std::variant<Request, Notification, Response, Invalid, Batch>;

// Parses one line (without the trailing newline; a trailing '\r' is tolerated).
Message parse_line(std::string_view line);
// Classifies an already-parsed JSON value (used for batch elements).
Message classify(const Json& value);

Json make_result(const Json& id, Json result);
Json make_error(const Json& id, const Error& error);
Json make_request(const Json& id, std::string_view method, Json params);
Json make_notification(std::string_view method, Json params);

// Compact serialization that cannot throw on invalid UTF-8 coming from upstream data.
std::string serialize(const Json& message);

}  // namespace fini::jsonrpc
