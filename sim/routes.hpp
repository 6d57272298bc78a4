#pragma once
// The sandbox's route table (the 56 Fini API v2 endpoints) and path-template matching.
// Thread-safety: the table is immutable static data. Never throws (except bad_alloc).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fini::sim {

struct RouteInfo {
  std::string method;        // GET, POST, PUT, PATCH, DELETE
  std::string path;          // template, e.g. /v2/hc-interactions/{id}/public
  std::string scope;         // "read" or "write" (note the two read-scope POSTs)
  std::string operation_id;  // e.g. listConversations
};

const std::vector<RouteInfo>& route_table();

struct RouteMatch {
  const RouteInfo* route = nullptr;
  std::vector<std::string> params;  // values of {placeholders}, in order
};

// Finds the route for method + raw path (as sent, still percent-encoded): the path is split on '/'
// first and each segment decoded after, so an encoded "a%2Fb" stays ONE placeholder value. Literal segments beat placeholders (so
// /v2/tag-groups/tags/public is never read as /v2/tag-groups/{id}/public).
// path_known is set when some route has this path under another method.
std::optional<RouteMatch> match_route(std::string_view method, std::string_view path, bool* path_known = nullptr);

}  // namespace fini::sim
