#pragma once
// Small helpers for the sandbox: deterministic PRNG, UUIDs, time formatting, text and CSV.
// Thread-safety: free functions are pure; Prng is not thread-safe (guard it). Nothing here throws
// except std::bad_alloc.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fini::sim {

// SplitMix64: tiny, fast, and stable across platforms, so seeded fixtures are reproducible.
class Prng {
 public:
  explicit Prng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  // Uniform double in [0, 1).
  double uniform();
  // Uniform integer in [0, n); n must be > 0.
  uint64_t below(uint64_t n);
  // A version-4 style UUID built from two draws.
  std::string uuid();

 private:
  uint64_t state_;
};

bool is_uuid(std::string_view s);
std::string random_uuid();  // from std::random_device: runtime ids must not repeat across restarts

// Epoch milliseconds <-> "2026-05-22T06:05:34.221Z".
std::string iso_from_ms(int64_t ms);
std::optional<int64_t> ms_from_iso(std::string_view iso);

std::string to_lower(std::string_view s);
// %XX decoding of one path segment ('+' stays '+'); invalid escapes are kept verbatim.
std::vector<std::string> split(std::string_view s, char sep);
std::string trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
// Lowercase alphanumeric words of >= 3 letters, minus common stop words.
std::vector<std::string> keywords_of(std::string_view text);
// http(s)://host[...] with a non-empty host.
bool is_http_url(std::string_view s);
std::string url_host(std::string_view url);

// RFC 4180 CSV: quote fields containing separators, quotes or newlines.
std::string csv_escape(std::string_view field);
// Parse CSV text into rows; nullopt on an unterminated quote.
std::optional<std::vector<std::vector<std::string>>> csv_parse(std::string_view text);

// "sha256:" + first 12 hex chars: lets the request log correlate keys without revealing them.
std::string key_fingerprint(std::string_view key);

}  // namespace fini::sim
