#pragma once
// application/x-www-form-urlencoded bodies, the one parser for them (OAuth endpoints, key page).
// Fields split on '&' (empty pieces skipped); name and value split at the FIRST '=' (no '=': an
// empty value), both percent-decoded with '+' as a space. Every field is kept, in order, repeats
// included: the caller decides (OAuth refuses a repeated parameter, the key page takes the first).
// One malformed %-escape refuses the whole form (nullopt); nothing is trimmed.
// Pure: thread-safe, never throws (beyond std::bad_alloc).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fini {

using FormFields = std::vector<std::pair<std::string, std::string>>;

std::optional<FormFields> parse_form(std::string_view body);

// The value of the first field called `name`; nullopt when there is none.
std::optional<std::string_view> first_field(const FormFields& fields, std::string_view name);

}  // namespace fini
