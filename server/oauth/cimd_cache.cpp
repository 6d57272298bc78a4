#include "oauth/cimd_cache.hpp"

#include <algorithm>
#include <sstream>

namespace fini::oauth {

CimdCache::CimdCache(CimdOptions options, CimdFetcher fetcher) : options_(options), fetcher_(std::move(fetcher)) {
  for (std::size_t i = 0; i < std::max<std::size_t>(options_.threads, 1); ++i)
    threads_.emplace_back([this] { loop(); });
}

CimdCache::~CimdCache() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  done_cv_.notify_all();
  for (auto& t : threads_) t.join();
}

std::shared_ptr<const OAuthResult<Client>> CimdCache::busy(const char* why) {
  ++lookups_["busy"];
  return std::make_shared<const OAuthResult<Client>>(OAuthError{"temporarily_unavailable", why, 503});
}

std::shared_ptr<const OAuthResult<Client>> CimdCache::get(const std::string& url, const std::string& host) {
  std::unique_lock lock(mutex_);
  auto it = entries_.find(url);
  if (it != entries_.end() && it->second.result && Clock::now() < it->second.expires) {
    ++lookups_["hit"];
    return it->second.result;
  }
  if (waiters_ >= options_.max_waiters) return busy("too many sign-in pages are waiting for application details");
  if (it == entries_.end() || it->second.result) {
    if (!start_fetch(url, host)) return busy("too many application details are being fetched");
    ++lookups_["fetched"];
  } else {
    ++lookups_["joined"];
  }
  ++waiters_;
  const auto deadline = Clock::now() + options_.wait;
  std::shared_ptr<const OAuthResult<Client>> out;
  done_cv_.wait_until(lock, deadline, [&] {
    auto e = entries_.find(url);
    if (e != entries_.end() && e->second.result) out = e->second.result;
    return out != nullptr || stopping_;
  });
  --waiters_;
  if (!out) return busy("the application's details took too long to arrive");
  return out;
}

bool CimdCache::start_fetch(const std::string& url, const std::string& host) {
  if (host_fetches_[host] >= options_.per_host || queue_.size() >= options_.threads * 4) {
    if (host_fetches_[host] == 0) host_fetches_.erase(host);
    return false;
  }
  if (entries_.size() >= options_.capacity && entries_.count(url) == 0) {
    // Make room: expired documents first, then the one expiring soonest (never one being fetched).
    auto victim = entries_.end();
    for (auto e = entries_.begin(); e != entries_.end(); ++e) {
      if (e->second.result && (victim == entries_.end() || e->second.expires < victim->second.expires)) victim = e;
    }
    if (victim == entries_.end()) return false;
    entries_.erase(victim);
  }
  Entry& e = entries_[url];
  e.result.reset();
  e.host = host;
  ++host_fetches_[host];
  queue_.push_back(url);
  work_cv_.notify_one();
  return true;
}

void CimdCache::loop() {
  for (;;) {
    std::string url;
    {
      std::unique_lock lock(mutex_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      url = std::move(queue_.front());
      queue_.pop_front();
    }
    finish(url, fetcher_(url));
  }
}

std::chrono::seconds CimdCache::ttl_of(const CimdFetch& fetched) const {
  if (!fetched.result || std::holds_alternative<OAuthError>(*fetched.result)) return options_.failure_ttl;
  if (fetched.max_age_s < 0) return options_.default_ttl;
  return std::clamp(std::chrono::seconds(fetched.max_age_s), options_.min_ttl, options_.max_ttl);
}

void CimdCache::finish(const std::string& url, CimdFetch fetched) {
  const auto ttl = ttl_of(fetched);
  if (!fetched.result)
    fetched.result = std::make_shared<const OAuthResult<Client>>(
        invalid_client("the client metadata document could not be fetched"));
  {
    std::lock_guard lock(mutex_);
    Entry& e = entries_[url];
    e.result = fetched.result;
    e.expires = Clock::now() + ttl;
    if (auto h = host_fetches_.find(e.host); h != host_fetches_.end() && --h->second == 0) host_fetches_.erase(h);
  }
  done_cv_.notify_all();
}

std::size_t CimdCache::waiting() const {
  std::lock_guard lock(mutex_);
  return waiters_;
}

std::string CimdCache::render_metrics() const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  out << "# HELP fini_mcp_cimd_lookups_total Client metadata documents asked for by sign-in pages: hit (cached), "
         "fetched, joined (a fetch in flight), busy (refused at once, 503).\n# TYPE fini_mcp_cimd_lookups_total "
         "counter\n";
  for (const char* r : {"hit", "fetched", "joined", "busy"}) {
    auto it = lookups_.find(r);
    out << "fini_mcp_cimd_lookups_total{result=\"" << r << "\"} " << (it == lookups_.end() ? 0 : it->second) << "\n";
  }
  return out.str();
}

}  // namespace fini::oauth
