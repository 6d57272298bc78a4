#pragma once
// Builds the server secret ring and the OAuth authorization server of `serve --http` from the
// serve options: token lifetimes and the key check (one read call to Fini through the shared
// REST client).

#include <memory>

#include "cli/serve.hpp"
#include "cli/server_core.hpp"
#include "common/keyring.hpp"
#include "common/status.hpp"
#include "oauth/auth_server.hpp"

namespace fini::cli {

// The server secret ring of `serve --http`: --token-secret-file, or a secret made for this process
// (with a warning: sign-ins and 2026-07-28 requestStates then end with it and cannot cross replicas).
Result<std::shared_ptr<const KeyRing>> make_server_ring(const ServeOptions& options);

// nullptr (and no error) with --no-oauth.
Result<std::unique_ptr<oauth::AuthServer>> make_auth_server(const ServeOptions& options, ServerCore& core,
                                                            const KeyRing& ring,
                                                            std::shared_ptr<http::AbuseLimits> limits);

}  // namespace fini::cli
