#!/bin/sh
# fini-mcp launcher (the plugin's bin/fini-mcp). The native server beside it, fini-mcp-linux-x64, is a
# Linux x86-64 build: started anywhere else it would fail with an exec error nobody can act on, so
# say in one line what this build is and where to go instead. stdout stays the server's (JSON-RPC).
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
os=$(uname -s 2>/dev/null)
arch=$(uname -m 2>/dev/null)
if [ "$os" = Linux ] && [ "$arch" = x86_64 ]; then
  exec "$here/fini-mcp-linux-x64" "$@"
fi
echo "fini-mcp: this build is for Linux x86-64 (this machine: ${os:-unknown} ${arch:-unknown}); on macOS/Windows use the remote connector: @REMOTE_URL@" >&2
exit 1
