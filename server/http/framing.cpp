#include "http/framing.hpp"

#include "common/text.hpp"

#include <strings.h>

#include <array>
#include <charconv>

namespace fini::http {

namespace {

FramingVerdict refuse(std::string why) { return FramingVerdict{std::nullopt, std::move(why)}; }

}  // namespace

FramingVerdict check_framing(const httplib::Headers& headers) {
  if (headers.count("Authorization") > 1) return refuse("Bad Request: more than one Authorization header.");
  std::optional<std::size_t> length;
  const auto [first, last] = headers.equal_range("Content-Length");
  for (auto it = first; it != last; ++it) {
    const std::string_view text = trim(it->second, kHttpWhitespace);
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      return refuse("Bad Request: Content-Length is not a number.");
    }
    if (length && *length != value) return refuse("Bad Request: conflicting Content-Length values.");
    length = value;
  }
  const auto te = headers.equal_range("Transfer-Encoding");
  if (te.first != te.second) {
    if (std::next(te.first) != te.second ||
        strcasecmp(std::string(trim(te.first->second, kHttpWhitespace)).c_str(), "chunked") != 0) {
      return refuse("Bad Request: the only Transfer-Encoding accepted is chunked.");
    }
    if (length) return refuse("Bad Request: Content-Length and Transfer-Encoding together.");
    return FramingVerdict{BodyFraming{true, 0}, {}};
  }
  return FramingVerdict{BodyFraming{false, length.value_or(0)}, {}};
}

std::string_view loggable_method(std::string_view method) {
  static constexpr std::array<std::string_view, 9> kKnown = {"GET",     "HEAD",  "POST",    "PUT",  "DELETE",
                                                             "OPTIONS", "PATCH", "CONNECT", "TRACE"};
  for (auto known : kKnown) {
    if (method == known) return known;
  }
  return "INVALID";
}

}  // namespace fini::http
