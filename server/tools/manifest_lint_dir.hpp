#pragma once
// Directory-wide manifest rules that need every loaded manifest at once (manifests/README.md
// "Rules across manifests"). Pure functions of the manifests: thread-safe, never throw except
// std::bad_alloc. Issues are appended in manifest (name) order.

#include <vector>

#include "tools/manifest.hpp"

namespace fini::tools {

// Id-like names (a camelCase word ending in Id, Ids, IdsToAdd or IdsToRefresh) written in a tool's
// description or an argument's description must be names the manifests declare: an argument of
// some tool, a property of some input or output schema, or a field of a {...} result shape
// written in the same text. Fini's wire names belong only in the "(Fini: ...)" note.
void check_description_names(const std::vector<Manifest>& manifests, std::vector<LintIssue>& issues);

// A route family is the path before its {id} placeholder ("/v2/tag-groups/"). When any route of
// a family declares request.unknownId with answers "500", every {id} route of that family must
// declare request.unknownId (answers "success" documents a route that does not check the id).
void check_unknown_id_families(const std::vector<Manifest>& manifests, std::vector<LintIssue>& issues);

}  // namespace fini::tools
