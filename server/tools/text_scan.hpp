#pragma once
// Hand-written scanners for the linter's word rules (manifests/README.md "One name per concept"),
// each the exact equivalent of the regular expression named beside it: the linter runs over every
// manifest at start-up, and std::regex costs more there than everything else it checks. Pure
// functions: thread-safe, never throw except std::bad_alloc. ASCII rules; other bytes are not
// word characters.

#include <string>
#include <string_view>
#include <vector>

namespace fini::tools {

// text with every "(Fini: ...)" wire-name note removed: regex_replace(text, /\(Fini: [^)]*\)/, "").
std::string without_wire_notes(std::string_view text);

// The id-like words of text in order: /\b[a-z][A-Za-z0-9]*Ids?(ToAdd|ToRefresh)?\b/g. in_shape:
// the word stands inside {...} (more '{' than '}' before it), a result shape the text declares.
struct IdWord {
  std::string name;
  bool in_shape = false;
};
std::vector<IdWord> id_like_words(std::string_view text);

// An id-like argument name: /^ids?$|Ids?(To[A-Z][A-Za-z]*)?$/ (search).
bool id_like_name(std::string_view name);
// A canonical id argument name: /^((parent|default)(Folder|Rule)Id|(agent|conversation|source|
// article|folder|rule|tagGroup|tag|job|event)Ids?(ToAdd|ToRefresh)?)$/.
bool canonical_id_name(std::string_view name);

// The {arg} / {count:arg} placeholders of a confirmation question: /\{(count:)?([A-Za-z0-9_]+)\}/g.
// inner is what stands between the braces, name the argument.
struct Placeholder {
  std::string inner;
  std::string name;
};
std::vector<Placeholder> placeholders_in(std::string_view text);

}  // namespace fini::tools
