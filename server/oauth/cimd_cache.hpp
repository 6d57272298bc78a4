#pragma once
// CimdCache: client ID metadata documents fetched off the connection threads, once, and kept.
// A sign-in page naming an https client_id asks get(): a cached answer returns at once; else
// one fetch per document runs on a small pool of its own threads (at most `per_host` at once to
// one host) while the pages asking for it wait (at most `max_waiters` pages in all, each until
// the fetch ends or `wait` passes). Beyond those bounds get() answers busy (503) at once, so
// sign-in pages cannot hold the connection threads /mcp needs. Documents are kept as their
// Cache-Control max-age says, within [min_ttl, max_ttl] (default_ttl without one); failures
// for failure_ttl. At most `capacity` documents. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "oauth/client.hpp"
#include "oauth/errors.hpp"

namespace fini::oauth {

struct CimdOptions {
  std::size_t threads = 4;
  std::size_t per_host = 2;
  std::size_t max_waiters = 32;
  std::size_t capacity = 1000;
  std::chrono::milliseconds wait{6000};
  std::chrono::seconds min_ttl{60}, max_ttl{3600}, default_ttl{300}, failure_ttl{30};
};

// What one fetch found: the client or why not, and the document's max-age (-1: none given).
struct CimdFetch {
  std::shared_ptr<const OAuthResult<Client>> result;
  long max_age_s = -1;
};
using CimdFetcher = std::function<CimdFetch(const std::string& url)>;

class CimdCache {
 public:
  CimdCache(CimdOptions options, CimdFetcher fetcher);
  ~CimdCache();
  CimdCache(const CimdCache&) = delete;
  CimdCache& operator=(const CimdCache&) = delete;

  // The document's client (or its error); a busy server → temporarily_unavailable (503).
  std::shared_ptr<const OAuthResult<Client>> get(const std::string& url, const std::string& host);
  std::string render_metrics() const;
  std::size_t waiting() const;  // pages waiting for a fetch now

 private:
  struct Entry {
    std::shared_ptr<const OAuthResult<Client>> result;  // null: being fetched
    std::chrono::steady_clock::time_point expires;
    std::string host;
  };
  using Clock = std::chrono::steady_clock;
  bool start_fetch(const std::string& url, const std::string& host);  // under mutex_
  void loop();
  void finish(const std::string& url, CimdFetch fetched);
  std::chrono::seconds ttl_of(const CimdFetch& fetched) const;
  std::shared_ptr<const OAuthResult<Client>> busy(const char* why);

  CimdOptions options_;
  CimdFetcher fetcher_;
  mutable std::mutex mutex_;
  std::condition_variable done_cv_, work_cv_;
  std::map<std::string, Entry> entries_;
  std::map<std::string, std::size_t> host_fetches_;
  std::deque<std::string> queue_;
  std::size_t waiters_ = 0;
  bool stopping_ = false;
  std::map<std::string, std::uint64_t> lookups_;  // hit, fetched, joined, busy
  std::vector<std::thread> threads_;
};

}  // namespace fini::oauth
