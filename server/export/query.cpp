#include "export/query.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <string_view>

namespace fini::exporting {

using nlohmann::json;

namespace {

// Per-query state the C callbacks see.
struct Guard {
  std::chrono::steady_clock::time_point deadline;
  const std::function<bool()>* cancelled = nullptr;
  std::string denied;  // what the authorizer refused, for the error message
  bool timed_out = false;
  bool was_cancelled = false;
};

int authorize(void* user, int action, const char* a1, const char*, const char*, const char*) {
  auto* g = static_cast<Guard*>(user);
  std::string what;
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE: return SQLITE_OK;
    case SQLITE_INSERT: what = "INSERT"; break;
    case SQLITE_UPDATE: what = "UPDATE"; break;
    case SQLITE_DELETE:  // DROP first asks to delete its row from sqlite_master/sqlite_schema
      what = a1 != nullptr && std::string_view(a1).rfind("sqlite_", 0) == 0 ? "DROP" : "DELETE";
      break;
    case SQLITE_ATTACH: what = "ATTACH"; break;
    case SQLITE_DETACH: what = "DETACH"; break;
    case SQLITE_PRAGMA: what = std::string("PRAGMA ") + (a1 ? a1 : ""); break;
    case SQLITE_TRANSACTION: what = "transactions"; break;
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_TRIGGER: what = "DROP"; break;
    default: what = "schema changes (CREATE/ALTER)"; break;
  }
  // The first refusal names the statement (a DROP also asks to DELETE from sqlite_master).
  if (g->denied.empty()) g->denied = what;
  return SQLITE_DENY;
}

int progress(void* user) {
  auto* g = static_cast<Guard*>(user);
  if (std::chrono::steady_clock::now() > g->deadline) g->timed_out = true;
  if (g->cancelled && *g->cancelled && (*g->cancelled)()) g->was_cancelled = true;
  return g->timed_out || g->was_cancelled ? 1 : 0;  // non-zero interrupts the statement
}

json cell(SQLite::Column c) {
  switch (c.getType()) {
    case SQLITE_INTEGER: return c.getInt64();
    case SQLITE_FLOAT: return c.getDouble();
    case SQLITE_NULL: return nullptr;
    case SQLITE_BLOB: return "(blob, " + std::to_string(c.getBytes()) + " bytes)";
    default: return c.getString();
  }
}

Status explain(const Guard& g, const std::exception& e, std::chrono::milliseconds cap) {
  if (!g.denied.empty()) {
    return invalid_argument("query_export is read-only: " + g.denied +
                            " is not allowed. Use SELECT (WITH ... SELECT) only.");
  }
  if (g.timed_out) {
    return Status(Code::kDeadlineExceeded, "query stopped at the time cap of " + std::to_string(cap.count()) +
                                               " ms; narrow it (WHERE, LIMIT) or aggregate first");
  }
  if (g.was_cancelled) return Status(Code::kCancelled, "query cancelled");
  return invalid_argument(std::string("SQL error: ") + e.what());
}

}  // namespace

Result<json> run_query(const std::filesystem::path& file, const std::string& sql, const QueryLimits& limits) {
  Guard guard{std::chrono::steady_clock::now() + limits.time_cap, &limits.cancelled, "", false, false};
  try {
    SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
    sqlite3* handle = db.getHandle();
    sqlite3_set_authorizer(handle, authorize, &guard);
    sqlite3_progress_handler(handle, 1000, progress, &guard);
    SQLite::Statement st(db, sql);
    json columns = json::array();
    for (int i = 0; i < st.getColumnCount(); ++i) columns.push_back(st.getColumnName(i));
    json rows = json::array();
    bool truncated = false;
    while (st.executeStep()) {
      if (rows.size() == limits.max_rows) {
        truncated = true;
        break;
      }
      json row = json::array();
      for (int i = 0; i < st.getColumnCount(); ++i) row.push_back(cell(st.getColumn(i)));
      rows.push_back(std::move(row));
    }
    json out{{"columns", columns}, {"rows", rows}, {"rowCount", rows.size()}, {"truncated", truncated}};
    if (truncated) {
      out["note"] = "only the first " + std::to_string(limits.max_rows) +
                    " rows are shown (row cap); aggregate, add LIMIT/OFFSET, or raise maxRows";
    }
    return out;
  } catch (const std::exception& e) {
    return explain(guard, e, limits.time_cap);
  }
}

}  // namespace fini::exporting
