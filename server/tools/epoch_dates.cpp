#include "tools/epoch_dates.hpp"

#include <regex>

#include "tools/iso_date.hpp"

namespace fini::tools {

using nlohmann::json;

namespace {

bool integer_text(const std::string& s) {
  static const std::regex re("^-?[0-9]{1,18}$");
  return std::regex_match(s, re);
}

// The argument as quoted in a problem: long strings cut (nothing past 64 characters is a date).
std::string quoted(const std::string& s) {
  const bool cut = s.size() > 64;
  return json(cut ? s.substr(0, 64) : s).dump(-1, ' ', false, json::error_handler_t::replace) + (cut ? "..." : "");
}

}  // namespace

void read_iso_dates(const std::vector<std::string>& names, json& arguments, std::vector<schema::Coercion>& notes,
                    std::vector<std::string>& problems) {
  if (!arguments.is_object()) return;
  for (const auto& name : names) {
    auto it = arguments.find(name);
    if (it == arguments.end() || !it->is_string() || integer_text(it->get_ref<const std::string&>())) continue;
    const json original = *it;
    const std::string pointer = "/" + schema::escape_pointer_token(name);
    auto ms = iso8601_to_epoch_ms(it->get_ref<const std::string&>());
    if (!ms.ok()) {
      problems.push_back(pointer + ": " + quoted(original.get<std::string>()) + ": " + ms.status().message());
      continue;
    }
    *it = *ms;
    notes.push_back({pointer, "the string " + original.dump() + " was read as " + std::to_string(*ms) + " (" +
                                  epoch_ms_to_iso(*ms) + ")"});
  }
}

std::vector<std::string> epoch_ms_arguments(const Manifest& manifest) {
  std::vector<std::string> out;
  for (const auto& p : manifest.params) {
    if (p.epoch_ms) out.push_back(p.name);
  }
  return out;
}

}  // namespace fini::tools
