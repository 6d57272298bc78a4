#include "common/form.hpp"

#include "common/percent.hpp"

namespace fini {

std::optional<FormFields> parse_form(std::string_view body) {
  FormFields fields;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    std::size_t amp = body.find('&', pos);
    if (amp == std::string_view::npos) amp = body.size();
    const std::string_view pair = body.substr(pos, amp - pos);
    pos = amp + 1;
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), Plus::kSpace);
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), Plus::kSpace);
    if (!name || !value) return std::nullopt;
    fields.emplace_back(std::move(*name), std::move(*value));
  }
  return fields;
}

std::optional<std::string_view> first_field(const FormFields& fields, std::string_view name) {
  for (const auto& [field, value] : fields) {
    if (field == name) return std::string_view(value);
  }
  return std::nullopt;
}

}  // namespace fini
