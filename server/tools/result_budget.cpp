#include "tools/result_budget.hpp"

#include <algorithm>
#include <memory>
#include <set>

#include "common/redact.hpp"

namespace fini::tools {

using nlohmann::json;

namespace {

// Counts what the serializer writes instead of keeping it.
class CountingOutput final : public nlohmann::detail::output_adapter_protocol<char> {
 public:
  void write_character(char) override { ++count_; }
  void write_characters(const char*, std::size_t length) override { count_ += length; }
  std::size_t count() const { return count_; }

 private:
  std::size_t count_ = 0;
};

std::size_t size_of(const json& value) { return compact_size(value); }

std::string compact_dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string kb(std::size_t bytes) { return std::to_string((bytes + 1023) / 1024) + " KB"; }

// The biggest array among the root's values (or the root itself), as a pointer into `root`.
json* largest_array(json& root, std::string& name) {
  if (root.is_array()) return &root;
  if (!root.is_object()) return nullptr;
  json* best = nullptr;
  std::size_t best_size = 0;
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (!it.value().is_array() || it.value().size() < 2) continue;
    const std::size_t s = size_of(it.value());
    if (s > best_size) {
      best = &it.value();
      best_size = s;
      name = it.key();
    }
  }
  return best;
}

// Cuts a UTF-8 string to at most `max` bytes without splitting a character.
std::string cut_utf8(const std::string& s, std::size_t max) {
  std::size_t end = std::min(max, s.size());
  while (end > 0 && end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

void shorten_strings(json& value, std::size_t cap, std::size_t& shortened) {
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (s.size() > cap + 64) {
      value = cut_utf8(s, cap) + "… [" + std::to_string(s.size() - cap) + " more bytes]";
      ++shortened;
    }
    return;
  }
  if (value.is_structured()) {
    for (auto& child : value) shorten_strings(child, cap, shortened);
  }
}

std::string how_to_get_rest(std::size_t kept, const BudgetHints& hints) {
  std::string text;
  if (hints.has_limit) text += "call again with limit: " + std::to_string(std::max<std::size_t>(kept, 1));
  if (hints.has_cursor) text += std::string(text.empty() ? "" : " ") + "(page on with the cursor as usual)";
  if (hints.has_fields)
    text += std::string(text.empty() ? "" : ", or ") + "pass fields: [\"…\"] to get only the fields you need";
  if (text.empty()) text = "narrow the request (filters, fewer ids)";
  return text;
}

// Largest prefix of `items` whose serialization keeps the whole under budget.
std::size_t fitting_prefix(const json& items, std::size_t base, std::size_t budget) {
  std::size_t total = base, kept = 0;
  for (const auto& item : items) {
    const std::size_t add = size_of(item) + 1;  // + the comma
    if (total + add > budget) break;
    total += add;
    ++kept;
  }
  return kept;
}

}  // namespace

std::size_t compact_size(const json& value) {
  auto counter = std::make_shared<CountingOutput>();
  nlohmann::detail::serializer<json> serializer(counter, ' ', json::error_handler_t::replace);
  serializer.dump(value, false, false, 0);
  return counter->count();
}

FittedText fit_and_serialize(json& structured, std::size_t budget, const BudgetHints& hints) {
  FittedText out;
  out.text = compact_dump(structured);
  out.budget.original_bytes = out.text.size();
  if (out.text.size() <= budget) return out;
  out.budget = fit_to_budget(structured, budget, hints);
  out.text = out.budget.fits ? compact_dump(structured) : std::string();
  return out;
}

BudgetOutcome fit_to_budget(json& structured, std::size_t budget, const BudgetHints& hints) {
  BudgetOutcome out;
  out.original_bytes = size_of(structured);
  if (out.original_bytes <= budget) return out;
  std::string notes;
  std::string name;
  if (json* items = largest_array(structured, name)) {
    const std::size_t total = items->size();
    json saved = std::move(*items);
    *items = json::array();
    const std::size_t kept = std::max<std::size_t>(fitting_prefix(saved, size_of(structured), budget), 1);
    for (std::size_t i = 0; i < kept && i < saved.size(); ++i) items->push_back(std::move(saved[i]));
    const std::string what = name.empty() ? "items" : "\"" + name + "\" items";
    notes = "Showing the first " + std::to_string(items->size()) + " of " + std::to_string(total) + " " + what +
            ": the full result is " + kb(out.original_bytes) + ", more than the " + kb(budget) +
            " a tool result may carry. For the rest, " + how_to_get_rest(items->size(), hints) + ".";
  }
  std::size_t shortened = 0;
  for (std::size_t cap = 16384; size_of(structured) > budget && cap >= 256; cap /= 4) {
    shorten_strings(structured, cap, shortened);
    if (size_of(structured) <= budget) {
      notes += std::string(notes.empty() ? "" : " ") + std::to_string(shortened) +
               " long text value(s) were shortened to " + std::to_string(cap) +
               " bytes; fetch the single item for its full text.";
    }
  }
  out.fits = size_of(structured) <= budget;
  if (!out.fits) {
    out.note = "The result is " + kb(out.original_bytes) + ", more than the " + kb(budget) +
               " a tool result may carry, even after trimming; " + how_to_get_rest(1, hints) + ".";
    return out;
  }
  out.note = notes;
  return out;
}

std::optional<std::string> project_fields(json& structured, const std::string& items,
                                          const std::vector<std::string>& fields) {
  const std::set<std::string> wanted(fields.begin(), fields.end());
  std::set<std::string> available;
  bool any_hit = false;
  auto project = [&](json& object) {
    if (!object.is_object()) return;
    json kept = json::object();
    for (auto it = object.begin(); it != object.end(); ++it) {
      available.insert(it.key());
      if (wanted.count(it.key())) {
        kept[it.key()] = std::move(it.value());
        any_hit = true;
      }
    }
    object = std::move(kept);
  };
  json* target = items == "." ? &structured
                              : (structured.is_object() && structured.contains(items) ? &structured[items] : nullptr);
  if (target == nullptr) return std::nullopt;
  if (target->is_array()) {
    for (auto& item : *target) project(item);
  } else {
    project(*target);
  }
  if (any_hit || available.empty()) return std::nullopt;
  std::string names;
  for (const auto& a : available) names += (names.empty() ? "" : ", ") + a;
  return "None of the requested fields exist in these items; their fields are: " + names + ".";
}

}  // namespace fini::tools
