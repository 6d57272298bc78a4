#pragma once
// The generic pager: walks every page of a pageable list tool as its manifest's "paging"
// describes (cursor argument and response fields, walking direction, window rules). Windows
// longer than the API allows are split into consecutive, non-overlapping windows, newest first,
// so the rows come out in the API's own order. Pages are fetched through a function so tests can
// drive it and the server can route it through the whole call path (retries, deadlines).
// Not thread-safe: one Pager per export.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.hpp"
#include "tools/manifest.hpp"

namespace fini::exporting {

using nlohmann::json;
using FetchPage = std::function<Result<json>(const json& args)>;

struct PageEvent {
  const json& items;                                       // this page's items (an array)
  std::size_t pages = 0;                                   // pages so far, this one included
  std::size_t rows = 0;                                    // items so far, this page included
  std::optional<std::int64_t> window_since, window_until;  // the window being walked, if any
  std::optional<std::int64_t> range_since, range_until;    // the whole range (windowed tools)
};

// Where a walk stands; a JSON object so the CLI can keep it in a checkpoint file.
struct PagerState {
  std::optional<std::int64_t> since, until;  // the whole range (windowed tools)
  std::optional<std::int64_t> window_until;  // upper end of the current window
  std::optional<std::string> cursor;         // next page in the current window
  std::size_t pages = 0, rows = 0;
  bool done = false;
  json to_json() const;
  static Result<PagerState> from_json(const json& j);
};

class Pager {
 public:
  // arguments: the caller's, minus any cursor; window arguments give the whole range (defaults as
  // the API's: until = now_ms, since = until - defaultSpanMs).
  Pager(tools::PagingSpec spec, json arguments, FetchPage fetch, std::int64_t now_ms);
  // Continues a walk from a checkpoint (same spec and arguments).
  void resume(PagerState state) { state_ = std::move(state); }
  const PagerState& state() const { return state_; }

  // Fetches the next page, hands it to on_page, then advances. Returns false when the walk is
  // complete (nothing fetched). on_page's error stops the walk without advancing, so a resumed
  // walk re-fetches that page.
  Result<bool> step(const std::function<Status(const PageEvent&)>& on_page);

 private:
  std::int64_t window_since() const;
  json page_arguments() const;
  Status advance(const json& page);

  tools::PagingSpec spec_;
  json arguments_;
  FetchPage fetch_;
  PagerState state_;
};

}  // namespace fini::exporting
