#include "cli/limit_options.hpp"

#include "cli/cli_options.hpp"

namespace fini::cli {

void add_limit_options(CLI::App& cmd, ServeOptions& serve) {
  const std::string group = "Limits and abuse (--http)";
  auto rate = [&](const char* flag, std::string& value, const char* what) {
    cmd.add_option(flag, value, std::string(what) + " (COUNT/SECONDS; 0: unlimited)")
        ->capture_default_str()
        ->group(group);
  };
  cmd.add_option("--trusted-proxies", serve.trusted_proxies,
                 "addresses or CIDR ranges of the reverse proxies in front (comma-separated; 'none'): from them, "
                 "X-Forwarded-Proto counts and the client is the last X-Forwarded-For hop that is not a trusted proxy")
      ->capture_default_str()
      ->group(group);
  rate("--limit-key-checks", serve.limit_key_checks, "new keys one client may have checked with Fini");
  rate("--limit-key-checks-global", serve.limit_key_checks_global, "new keys checked with Fini, all clients together");
  rate("--limit-authorize", serve.limit_authorize, "sign-in form submissions (POST /authorize) per client");
  rate("--limit-token", serve.limit_token, "POST /token per client");
  rate("--limit-register", serve.limit_register, "POST /register per client");
  cmd.add_option("--signin-attempts", serve.limits.signin_attempts,
                 "keys one sign-in form accepts before a fresh sign-in")
      ->capture_default_str()
      ->check(CLI::Range(1, 100))
      ->group(group);
  add_duration_option<std::chrono::seconds>(&cmd, "--refused-key-cache", serve.limits.refused_key_ttl,
                                            "seconds a key Fini refused is refused without asking")
      ->check(CLI::Range(0L, 3600L))
      ->group(group);
  cmd.add_option("--limit-table-size", serve.limits.table_size, "clients (and keys) each limit remembers")
      ->capture_default_str()
      ->check(CLI::Range(static_cast<std::size_t>(100), static_cast<std::size_t>(10000000)))
      ->group(group);
  cmd.add_option("--allowed-redirect-hosts", serve.allowed_redirect_hosts,
                 "OAuth redirect hosts allowed beyond claude.ai, claude.com and loopback (comma-separated; "
                 "\"*.example.com\" for subdomains)")
      ->delimiter(',')
      ->group(group);
  cmd.add_option("--cimd-fetch-threads", serve.cimd.threads, "client metadata documents fetched at once")
      ->capture_default_str()
      ->check(CLI::Range(static_cast<std::size_t>(1), static_cast<std::size_t>(64)))
      ->group(group);
  cmd.add_option("--cimd-per-host", serve.cimd.per_host, "client metadata fetches at once to one host")
      ->capture_default_str()
      ->check(CLI::Range(static_cast<std::size_t>(1), static_cast<std::size_t>(64)))
      ->group(group);
  cmd.add_option("--cimd-waiters", serve.cimd.max_waiters,
                 "sign-in pages waiting for client metadata at once (503 beyond)")
      ->capture_default_str()
      ->check(CLI::Range(static_cast<std::size_t>(1), static_cast<std::size_t>(1024)))
      ->group(group);
}

Result<std::shared_ptr<http::AbuseLimits>> make_abuse_limits(const ServeOptions& options) {
  http::AbuseOptions o = options.limits;
  auto proxies = http::TrustedProxies::parse(options.trusted_proxies);
  if (!proxies.ok()) return proxies.status();
  o.trusted_proxies = std::move(*proxies);
  const std::pair<const std::string*, http::Rate*> rates[] = {{&options.limit_key_checks, &o.key_checks},
                                                              {&options.limit_key_checks_global, &o.key_checks_global},
                                                              {&options.limit_authorize, &o.authorize},
                                                              {&options.limit_token, &o.token},
                                                              {&options.limit_register, &o.registrations}};
  const char* flags[] = {"--limit-key-checks", "--limit-key-checks-global", "--limit-authorize", "--limit-token",
                         "--limit-register"};
  for (std::size_t i = 0; i < std::size(rates); ++i) {
    auto r = http::parse_rate(*rates[i].first, flags[i]);
    if (!r.ok()) return r.status();
    *rates[i].second = *r;
  }
  return std::make_shared<http::AbuseLimits>(std::move(o));
}

}  // namespace fini::cli
