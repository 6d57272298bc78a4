#pragma once
// ISO 8601 dates in an export's window arguments (since/until of the paged tool), read as epoch
// milliseconds before paging starts, as the tool itself reads them: otherwise the pager would
// not see the window and would walk its default one.

#include "common/status.hpp"
#include "export/exporter.hpp"

namespace fini::exporting {

// InvalidArgument naming the argument when a date cannot be read ("/since: \"x\": not an ISO ...").
Status read_window_dates(ExportRequest& request);

}  // namespace fini::exporting
