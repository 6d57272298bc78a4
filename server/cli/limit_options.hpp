#pragma once
// The `serve --http` flags of the abuse limits (key checks, sign-in, /token, /register, client
// metadata fetches, redirect hosts, trusted proxies) and the AbuseLimits built from them.

#include <memory>

#include <CLI/CLI.hpp>

#include "cli/serve.hpp"
#include "common/status.hpp"
#include "http/abuse_limits.hpp"

namespace fini::cli {

void add_limit_options(CLI::App& cmd, ServeOptions& serve);
Result<std::shared_ptr<http::AbuseLimits>> make_abuse_limits(const ServeOptions& options);

}  // namespace fini::cli
