#pragma once
// Builds the OAuth authorization server of `serve --http` from the serve options: the key ring
// (--token-secret-file, or an ephemeral secret with a warning), token lifetimes, and the key
// check (one read call to Fini through the shared REST client).

#include <memory>

#include "cli/serve.hpp"
#include "cli/server_core.hpp"
#include "common/status.hpp"
#include "oauth/auth_server.hpp"

namespace fini::cli {

// nullptr (and no error) with --no-oauth.
Result<std::unique_ptr<oauth::AuthServer>> make_auth_server(const ServeOptions& options, ServerCore& core);

}  // namespace fini::cli
