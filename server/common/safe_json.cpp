#include "common/safe_json.hpp"

namespace fini {

namespace {

// Calls on_char(c) for each character outside JSON strings (escapes honoured) until it returns
// false. One linear pass, nothing built: what the depth and value budgets count.
template <typename OnChar>
void scan_outside_strings(std::string_view text, OnChar on_char) {
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (!on_char(c))
      return;
  }
}

}  // namespace

std::size_t json_depth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  scan_outside_strings(text, [&](char c) {
    if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    return true;
  });
  return deepest > limit ? limit + 1 : deepest;
}

std::size_t json_elements(std::string_view text, std::size_t limit) {
  std::size_t count = 1;
  scan_outside_strings(text, [&](char c) {
    if (c == ',' || c == '[' || c == '{' || c == ':') ++count;
    return count <= limit;
  });
  return count > limit ? limit + 1 : count;
}

SafeParse parse_json_safely(std::string_view text, std::size_t max_depth, std::size_t max_elements) {
  SafeParse out;
  if (json_depth(text, max_depth) > max_depth) {
    out.value = nlohmann::json(nlohmann::json::value_t::discarded);
    out.error = "nesting deeper than " + std::to_string(max_depth) + " levels";
    return out;
  }
  if (max_elements != static_cast<std::size_t>(-1) && json_elements(text, max_elements) > max_elements) {
    out.value = nlohmann::json(nlohmann::json::value_t::discarded);
    out.error = "more than " + std::to_string(max_elements) + " values";
    return out;
  }
  out.value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (out.value.is_discarded()) out.error = "invalid JSON";
  return out;
}

}  // namespace fini
