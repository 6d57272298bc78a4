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

// An integer flag that sets a duration field (`Unit`: one flag unit, e.g. std::chrono::seconds),
// showing the field's own value as the default: the module's struct states it, nowhere else.
// `positive_only`: 0 or less leaves the field as it is (hidden test knobs whose 0 means "the default").
template <class Unit, class Field>
CLI::Option* add_duration_option(CLI::App* cmd, const std::string& flag, Field& field, const std::string& help = {},
                                 bool positive_only = false) {
  auto set = [&field, positive_only](const long& value) {
    if (value > 0 || !positive_only) field = std::chrono::duration_cast<Field>(Unit(value));
  };
  return cmd->add_option_function<long>(flag, set, help)
      ->default_str(std::to_string(std::chrono::duration_cast<Unit>(field).count()));
}

}  // namespace fini::cli
