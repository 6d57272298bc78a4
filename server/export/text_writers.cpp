// JSONL and CSV writers (writers.hpp); the SQLite writer is in sqlite_writer.cpp.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "export/writers.hpp"

namespace fini::exporting {

using nlohmann::json;

Result<std::unique_ptr<RowWriter>> open_sqlite_writer(const WriterOptions& options);  // sqlite_writer.cpp

namespace {

// Owns the FILE*; fflush + fsync per page so a checkpoint never points past what is on disk.
class TextFile {
 public:
  ~TextFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  Status open(const std::filesystem::path& path, const json& resume) {
    const bool resuming = resume.is_object() && resume.contains("bytes");
    file_ = std::fopen(path.c_str(), resuming ? "r+b" : "wb");
    if (file_ == nullptr) return failed_precondition("cannot open " + path.string() + " for writing");
    if (resuming) {
      bytes_ = resume["bytes"].get<std::uint64_t>();
      std::error_code ec;
      // Shorter than the checkpoint says: growing it would splice zeros into the rows.
      if (std::filesystem::file_size(path, ec) < bytes_ || ec) {
        return failed_precondition(path.string() + " is shorter than its checkpoint; start the export over");
      }
      std::filesystem::resize_file(path, bytes_, ec);
      if (ec || std::fseek(file_, static_cast<long>(bytes_), SEEK_SET) != 0) {
        return failed_precondition("cannot rewind " + path.string() + " to its checkpoint");
      }
    }
    return {};
  }
  Status write(const std::string& text) {
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) return unavailable("write failed (disk full?)");
    bytes_ += text.size();
    return {};
  }
  Status flush() {
    if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) return unavailable("flush failed (disk full?)");
    return {};
  }
  Status close() {
    const int rc = std::fclose(file_);
    file_ = nullptr;
    return rc == 0 ? Status() : unavailable("close failed (disk full?)");
  }
  std::uint64_t bytes() const { return bytes_; }

 private:
  std::FILE* file_ = nullptr;
  std::uint64_t bytes_ = 0;
};

class JsonlWriter final : public RowWriter {
 public:
  JsonlWriter(std::vector<std::string> fields) : fields_(std::move(fields)) {}
  Status open(const WriterOptions& o) { return file_.open(o.path, o.resume_state); }
  Status write_page(const json& items) override {
    std::string chunk;
    for (const auto& item : items)
      chunk += project(item, fields_).dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    if (auto s = file_.write(chunk); !s.ok()) return s;
    return file_.flush();
  }
  Status close() override { return file_.close(); }
  json state() const override { return {{"bytes", file_.bytes()}}; }

 private:
  std::vector<std::string> fields_;
  TextFile file_;
};

// A conversation's events as text, one line per event: "role: message [CSAT n] [feedback: …]".
std::string flatten_events(const json& events) {
  std::string out;
  if (!events.is_array()) return out;
  for (const auto& e : events) {
    if (!e.is_object()) continue;
    std::string line;
    if (auto m = e.find("message"); m != e.end() && m->is_string() && !m->get<std::string>().empty())
      line = m->get<std::string>();
    if (auto c = e.find("csatRating"); c != e.end() && c->is_number())
      line += (line.empty() ? "" : " ") + std::string("[CSAT ") + c->dump() + "]";
    if (auto f = e.find("feedback"); f != e.end() && f->is_string() && !f->get<std::string>().empty()) {
      line += (line.empty() ? "" : " ") + std::string("[feedback: ") + f->get<std::string>() + "]";
    }
    if (line.empty()) continue;
    out += (out.empty() ? "" : "\n") + e.value("role", std::string("?")) + ": " + line;
  }
  return out;
}

constexpr const char* kMessagesColumn = "messages";

class CsvWriter final : public RowWriter {
 public:
  explicit CsvWriter(const WriterOptions& o)
      : fields_(o.fields), children_(o.spec.children ? o.spec.children->field : "") {}
  Status open(const WriterOptions& o) {
    if (o.resume_state.is_object() && o.resume_state.contains("columns")) {
      columns_ = o.resume_state["columns"].get<std::vector<std::string>>();
      left_out_ = o.resume_state.value("leftOut", std::vector<std::string>{});
    }
    return file_.open(o.path, o.resume_state);
  }
  Status write_page(const json& items) override {
    std::string chunk;
    // An empty first page (a quiet window) has no fields to take the header from: wait for rows.
    if (columns_.empty() && items.empty() && fields_.empty()) return {};
    if (columns_.empty()) chunk = header(items);
    for (const auto& item : items) {
      for (std::size_t i = 0; i < columns_.size(); ++i) chunk += (i ? "," : "") + csv_field(cell(item, columns_[i]));
      chunk += "\r\n";
    }
    if (auto s = file_.write(chunk); !s.ok()) return s;
    return file_.flush();
  }
  Status close() override { return file_.close(); }
  json state() const override {
    json s{{"bytes", file_.bytes()}, {"columns", columns_}, {"leftOut", left_out_}};
    if (!left_out_.empty()) s["leftOutNote"] = left_out_note();
    return s;
  }

 private:
  json cell(const json& item, const std::string& column) const {
    if (!item.is_object()) return json();
    if (auto it = item.find(column); it != item.end()) return *it;
    if (column == kMessagesColumn && !children_.empty()) return flatten_events(item.value(children_, json()));
    return json();
  }

  // Columns: `fields` in order, else every field of the first page's items (sorted) with the
  // children array (events) replaced by a `messages` column holding them as text. What the
  // columns leave out is remembered for the summary.
  std::string header(const json& items) {
    std::set<std::string> keys;
    for (const auto& item : items) {
      if (!item.is_object()) continue;
      for (auto it = item.begin(); it != item.end(); ++it) keys.insert(it.key());
    }
    if (!fields_.empty()) {
      columns_ = fields_;
      for (const auto& k : keys) {
        if (std::find(fields_.begin(), fields_.end(), k) == fields_.end()) left_out_.push_back(k);
      }
    } else {
      for (const auto& k : keys) {
        if (k == children_)
          left_out_.push_back(k);
        else
          columns_.push_back(k);
      }
      if (!children_.empty() && !keys.count(kMessagesColumn)) columns_.push_back(kMessagesColumn);
    }
    std::string line;
    for (std::size_t i = 0; i < columns_.size(); ++i) line += (i ? "," : "") + csv_field(json(columns_[i]));
    return line + "\r\n";
  }

  std::string left_out_note() const {
    std::string list;
    for (const auto& f : left_out_) list += (list.empty() ? "" : ", ") + f;
    if (fields_.empty()) {
      return list + " (as text in the `" + kMessagesColumn + "` column; export jsonl or sqlite for every event field)";
    }
    return list + " (not in --fields)";
  }

  std::vector<std::string> fields_, columns_, left_out_;
  std::string children_;
  TextFile file_;
};

}  // namespace

Result<Format> parse_format(std::string_view name) {
  if (name == "jsonl") return Format::kJsonl;
  if (name == "csv") return Format::kCsv;
  if (name == "sqlite") return Format::kSqlite;
  return invalid_argument("format must be one of jsonl, csv, sqlite (got '" + std::string(name) + "')");
}

std::string_view format_name(Format format) {
  switch (format) {
    case Format::kJsonl: return "jsonl";
    case Format::kCsv: return "csv";
    case Format::kSqlite: return "sqlite";
  }
  return "jsonl";
}

std::string_view format_mime(Format format) {
  switch (format) {
    case Format::kJsonl: return "application/jsonl";
    case Format::kCsv: return "text/csv";
    case Format::kSqlite: return "application/vnd.sqlite3";
  }
  return "application/octet-stream";
}

json project(const json& item, const std::vector<std::string>& fields) {
  if (fields.empty() || !item.is_object()) return item;
  json out = json::object();
  for (const auto& f : fields) out[f] = item.value(f, json());
  return out;
}

std::string csv_field(const json& value) {
  std::string text;
  if (value.is_null()) return text;
  text = value.is_string() ? value.get<std::string>() : value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

Result<std::unique_ptr<RowWriter>> open_writer(const WriterOptions& options) {
  if (options.format == Format::kSqlite) return open_sqlite_writer(options);
  if (options.format == Format::kCsv) {
    auto w = std::make_unique<CsvWriter>(options);
    if (auto s = w->open(options); !s.ok()) return s;
    return std::unique_ptr<RowWriter>(std::move(w));
  }
  auto w = std::make_unique<JsonlWriter>(options.fields);
  if (auto s = w->open(options); !s.ok()) return s;
  return std::unique_ptr<RowWriter>(std::move(w));
}

}  // namespace fini::exporting
