// The SQLite export writer (writers.hpp). Tables: spec.table (one row per item, the id field as
// TEXT PRIMARY KEY, every other top-level field a column) and, when the manifest declares
// children, spec.children.table (one row per child: parentKey, seq, the child's fields). Columns
// are added as new fields appear, so no page is ever truncated to the first page's shape.
#include <SQLiteCpp/SQLiteCpp.h>

#include <map>
#include <set>

#include "export/writers.hpp"

namespace fini::exporting {

using nlohmann::json;

namespace {

std::string quote_ident(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void bind_value(SQLite::Statement& st, int index, const json& v) {
  if (v.is_null()) {
    st.bind(index);
  } else if (v.is_boolean()) {
    st.bind(index, static_cast<std::int32_t>(v.get<bool>() ? 1 : 0));
  } else if (v.is_number_integer()) {
    const std::int64_t n =
        v.is_number_unsigned() ? static_cast<std::int64_t>(v.get<std::uint64_t>()) : v.get<std::int64_t>();
    st.bind(index, n);
  } else if (v.is_number_float()) {
    st.bind(index, v.get<double>());
  } else if (v.is_string()) {
    st.bind(index, v.get<std::string>());
  } else {
    st.bind(index, v.dump(-1, ' ', false, json::error_handler_t::replace));
  }
}

// One table whose columns grow with the data. `keys` are the leading key columns.
class Table {
 public:
  Table(std::string name, std::vector<std::string> keys) : name_(std::move(name)), keys_(std::move(keys)) {}

  void create(SQLite::Database& db, const std::string& key_decl) {
    db.exec("CREATE TABLE IF NOT EXISTS " + quote_ident(name_) + " (" + key_decl + ")");
    SQLite::Statement cols(db, "SELECT name FROM pragma_table_info(?)");
    cols.bind(1, name_);
    while (cols.executeStep()) columns_.insert(cols.getColumn(0).getString());
  }

  // Inserts (or replaces) one row; key_values fill the key columns first.
  void insert(SQLite::Database& db, const std::vector<json>& key_values, const json& row, const std::string& skip) {
    std::vector<std::string> names = keys_;
    std::vector<const json*> values;
    for (const auto& k : key_values) values.push_back(&k);
    for (auto it = row.begin(); it != row.end(); ++it) {
      if (it.key() == skip || std::find(keys_.begin(), keys_.end(), it.key()) != keys_.end()) continue;
      if (!columns_.count(it.key())) {
        db.exec("ALTER TABLE " + quote_ident(name_) + " ADD COLUMN " + quote_ident(it.key()));
        columns_.insert(it.key());
      }
      names.push_back(it.key());
      values.push_back(&it.value());
    }
    std::string cols, marks;
    for (std::size_t i = 0; i < names.size(); ++i) {
      cols += (i ? "," : "") + quote_ident(names[i]);
      marks += i ? ",?" : "?";
    }
    const std::string sql = "INSERT OR REPLACE INTO " + quote_ident(name_) + " (" + cols + ") VALUES (" + marks + ")";
    auto cached = statements_.find(sql);
    if (cached == statements_.end())
      cached = statements_.emplace(sql, std::make_unique<SQLite::Statement>(db, sql)).first;
    SQLite::Statement& st = *cached->second;
    st.reset();
    st.clearBindings();
    for (std::size_t i = 0; i < values.size(); ++i) bind_value(st, static_cast<int>(i + 1), *values[i]);
    st.exec();
  }

  void drop_statements() { statements_.clear(); }

 private:
  std::string name_;
  std::vector<std::string> keys_;
  std::set<std::string> columns_;
  std::map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

class SqliteWriter final : public RowWriter {
 public:
  explicit SqliteWriter(const WriterOptions& o)
      : spec_(o.spec),
        fields_(o.fields),
        db_(o.path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE),
        items_(spec_.table, {spec_.id_field}),
        children_(spec_.children ? spec_.children->table : "",
                  {spec_.children ? spec_.children->parent_key : "", "seq"}) {
    items_.create(db_, quote_ident(spec_.id_field) + " TEXT PRIMARY KEY");
    if (spec_.children) {
      const std::string parent = quote_ident(spec_.children->parent_key);
      children_.create(db_, parent + " TEXT NOT NULL, \"seq\" INTEGER NOT NULL, PRIMARY KEY (" + parent + ", \"seq\")");
    }
  }
  ~SqliteWriter() override {
    items_.drop_statements();  // statements must be finalized before the database closes
    children_.drop_statements();
  }

  Status write_page(const json& items) override {
    try {
      SQLite::Transaction tx(db_);  // one page = one transaction: all of it or none
      for (const auto& item : items) write_item(item);
      tx.commit();
      return {};
    } catch (const std::exception& e) {
      return unavailable(std::string("SQLite write failed: ") + e.what());
    }
  }
  Status close() override {
    items_.drop_statements();
    children_.drop_statements();
    return {};
  }
  json state() const override { return json::object(); }

 private:
  void write_item(const json& item) {
    if (!item.is_object()) return;
    const json id = item.value(spec_.id_field, json());
    const std::string skip = spec_.children ? spec_.children->field : "";
    items_.insert(db_, {id}, project(item, fields_), skip);
    if (!spec_.children) return;
    auto kids = item.find(spec_.children->field);
    if (kids == item.end() || !kids->is_array()) return;
    std::int64_t seq = 0;
    for (const auto& kid : *kids) {
      if (kid.is_object()) children_.insert(db_, {id, json(seq)}, kid, "");
      ++seq;
    }
  }

  tools::PagingSpec spec_;
  std::vector<std::string> fields_;
  SQLite::Database db_;
  Table items_, children_;
};

}  // namespace

Result<std::unique_ptr<RowWriter>> open_sqlite_writer(const WriterOptions& options) {
  try {
    return std::unique_ptr<RowWriter>(std::make_unique<SqliteWriter>(options));
  } catch (const std::exception& e) {
    return failed_precondition("cannot open SQLite file " + options.path.string() + ": " + e.what());
  }
}

}  // namespace fini::exporting
