#pragma once
// The command-line options, grouped by who needs them: every command that talks to Fini takes
// the client options (manifests, base URL, key, surface, timeouts); only `serve` takes the server
// options (transport, HTTP, OAuth, limits). So `call --help` shows what `call` understands.

#include <CLI/CLI.hpp>

#include "cli/serve.hpp"

namespace fini::cli {

// --manifests, --base-url, --ca-file, --api-key-file, --profile, --toolsets, --tools,
// --exclude-tools, --read-only, --sandbox and the timeouts.
void add_client_options(CLI::App* cmd, ServeOptions& serve);

// Everything only a running server uses: --http and its TLS/OAuth/limit options, workers,
// drain, result budget, skills, exports folder.
void add_server_options(CLI::App* cmd, ServeOptions& serve);

}  // namespace fini::cli
