#include "export/pager.hpp"

#include <algorithm>

namespace fini::exporting {

namespace {

std::optional<std::int64_t> int_arg(const json& args, const std::string& name) {
  if (name.empty()) return std::nullopt;
  auto it = args.find(name);
  if (it == args.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

json opt(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

json PagerState::to_json() const {
  return {{"since", opt(since)},
          {"until", opt(until)},
          {"windowUntil", opt(window_until)},
          {"cursor", cursor ? json(*cursor) : json(nullptr)},
          {"pages", pages},
          {"rows", rows},
          {"done", done}};
}

Result<PagerState> PagerState::from_json(const json& j) {
  if (!j.is_object()) return invalid_argument("checkpoint state must be an object");
  PagerState s;
  auto get_int = [&j](const char* k) -> std::optional<std::int64_t> {
    auto it = j.find(k);
    return it != j.end() && it->is_number_integer() ? std::optional(it->get<std::int64_t>()) : std::nullopt;
  };
  s.since = get_int("since");
  s.until = get_int("until");
  s.window_until = get_int("windowUntil");
  if (auto c = j.find("cursor"); c != j.end() && c->is_string()) s.cursor = c->get<std::string>();
  s.pages = j.value("pages", std::size_t{0});
  s.rows = j.value("rows", std::size_t{0});
  s.done = j.value("done", false);
  return s;
}

Pager::Pager(tools::PagingSpec spec, json arguments, FetchPage fetch, std::int64_t now_ms)
    : spec_(std::move(spec)), arguments_(std::move(arguments)), fetch_(std::move(fetch)) {
  if (!arguments_.is_object()) arguments_ = json::object();
  arguments_.erase(spec_.cursor_arg);
  if (spec_.window) {
    const auto& w = *spec_.window;
    state_.until = int_arg(arguments_, w.until_arg).value_or(now_ms);
    const std::int64_t default_span = w.default_span_ms > 0 ? w.default_span_ms : w.max_span_ms;
    state_.since = int_arg(arguments_, w.since_arg).value_or(*state_.until - default_span);
    state_.window_until = state_.until;
    if (*state_.since >= *state_.until) state_.done = true;  // nothing to walk; the API would say 400
  }
}

// Windows are [max(since, top - span), top]; the next one ends 1 ms below, so none overlap.
std::int64_t Pager::window_since() const {
  const std::int64_t top = *state_.window_until;
  std::int64_t lo = std::max(*state_.since, top - spec_.window->max_span_ms);
  return std::min(lo, top - 1);  // the API wants since < until
}

json Pager::page_arguments() const {
  json args = arguments_;
  if (spec_.window) {
    args[spec_.window->since_arg] = window_since();
    args[spec_.window->until_arg] = *state_.window_until;
  }
  if (!spec_.limit_arg.empty() && spec_.max_limit > 0 && !args.contains(spec_.limit_arg)) {
    args[spec_.limit_arg] = spec_.max_limit;  // fewest round trips
  }
  if (!spec_.direction_arg.empty()) args[spec_.direction_arg] = spec_.direction_value;
  if (state_.cursor) args[spec_.cursor_arg] = *state_.cursor;
  return args;
}

Result<bool> Pager::step(const std::function<Status(const PageEvent&)>& on_page) {
  if (state_.done) return false;
  const json args = page_arguments();
  auto page = fetch_(args);
  if (!page.ok()) return page.status();
  auto items = page->find(spec_.items);
  if (!page->is_object() || items == page->end() || !items->is_array()) {
    return Status(Code::kInternal, "page has no '" + spec_.items + "' array");
  }
  PageEvent event{*items,       state_.pages + 1, state_.rows + items->size(), std::nullopt, std::nullopt,
                  state_.since, state_.until};
  if (spec_.window) {
    event.window_since = args[spec_.window->since_arg].get<std::int64_t>();
    event.window_until = *state_.window_until;
  }
  if (auto s = on_page(event); !s.ok()) return s;
  state_.pages = event.pages;
  state_.rows = event.rows;
  if (auto s = advance(*page); !s.ok()) return s;
  return true;
}

Status Pager::advance(const json& page) {
  const json& items = page[spec_.items];
  std::optional<std::string> next;
  if (page.value(spec_.has_more, false)) {
    if (!spec_.next.empty()) {
      if (auto n = page.find(spec_.next); n != page.end() && n->is_string()) next = n->get<std::string>();
    } else if (!items.empty() && items.back().is_object()) {
      if (auto n = items.back().find(spec_.cursor_from_item); n != items.back().end() && n->is_string()) {
        next = n->get<std::string>();
      }
    }
  }
  if (next && state_.cursor && *next == *state_.cursor) {
    // The API handed back the cursor we sent: following it would loop forever.
    return Status(Code::kInternal, "paging did not advance (cursor " + *next + " repeated)");
  }
  if (next && !next->empty()) {
    state_.cursor = next;
    return {};
  }
  state_.cursor.reset();
  if (spec_.window && window_since() > *state_.since) {
    state_.window_until = window_since() - 1;
  } else {
    state_.done = true;
  }
  return {};
}

}  // namespace fini::exporting
