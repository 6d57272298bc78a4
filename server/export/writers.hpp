#pragma once
// Row writers: one per export file and format. Each page is written durably before the pager
// moves on, and a writer can reopen its file from its own checkpoint state (resume after an
// interruption): text formats truncate back to the checkpointed length; SQLite replaces rows by
// primary key, so re-writing a page is harmless. Not thread-safe.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.hpp"
#include "tools/manifest.hpp"

namespace fini::exporting {

enum class Format { kJsonl, kCsv, kSqlite };
Result<Format> parse_format(std::string_view name);  // "jsonl", "csv", "sqlite"
std::string_view format_name(Format format);
std::string_view format_mime(Format format);

class RowWriter {
 public:
  virtual ~RowWriter() = default;
  virtual Status write_page(const nlohmann::json& items) = 0;
  // Flushes and closes; the file is complete after this returns OK.
  virtual Status close() = 0;
  // What open_writer needs to continue this file after a crash (columns, length).
  virtual nlohmann::json state() const = 0;
};

struct WriterOptions {
  Format format = Format::kJsonl;
  std::filesystem::path path;
  tools::PagingSpec spec;
  std::vector<std::string> fields;  // empty: every field
  nlohmann::json resume_state;      // null: a new file
};
Result<std::unique_ptr<RowWriter>> open_writer(const WriterOptions& options);

// The item restricted to `fields` (missing ones as null); the item itself when fields is empty.
nlohmann::json project(const nlohmann::json& item, const std::vector<std::string>& fields);
// One CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF.
std::string csv_field(const nlohmann::json& value);

}  // namespace fini::exporting
