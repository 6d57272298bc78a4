#pragma once
// Percent-encoding for URL path segments and query components (RFC 3986).
// Thread-safety: pure functions. Never throws (beyond std::bad_alloc).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fini::rest {

// Encodes one path segment: unreserved characters (ALPHA DIGIT - . _ ~) stay, every other byte
// becomes %XX (upper-case hex), so "a/b?c#d" or "../x" stay inside ONE segment. A segment that
// is exactly "." or ".." is encoded as "%2E" / "%2E%2E" so it cannot walk up the route.
// An empty input gives an empty output: callers must refuse empty path parameters themselves.
std::string percent_encode_segment(std::string_view raw);

// Encodes a query key or value: same unreserved set, space as %20 (never '+').
std::string percent_encode_query(std::string_view raw);

// "k1=v1&k2=v2" from raw pairs in order (repeated keys kept); "" for no pairs.
std::string encode_query_string(const std::vector<std::pair<std::string, std::string>>& pairs);

}  // namespace fini::rest
