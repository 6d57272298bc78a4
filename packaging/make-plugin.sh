#!/usr/bin/env bash
# Assembles a one-plugin Claude Code marketplace in DIR (default dist/claude-plugin):
#   DIR/.claude-plugin/marketplace.json
#   DIR/fini/  .claude-plugin/plugin.json .mcp.json README.md LICENSE icon.png
#              bin/fini-mcp (launcher) bin/fini-mcp-linux-x64 bin/lib/*.so* licenses/ manifests/ skills/
# BIN is the release build (`make release`); its libraries are carried as for the bundle (copy-libs.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
bin=${1:?usage: make-plugin.sh BIN [DIR]}
market=${2:-$repo/dist/claude-plugin}
dir=$market/fini
version=$("$bin" --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+[^ ]*' | head -1)
readelf -d "$bin" | grep -q 'RPATH.*\$ORIGIN/lib' || {
  echo "make-plugin: $bin has no \$ORIGIN/lib DT_RPATH (build it with make release)" >&2; exit 1; }

rm -rf "$market"
mkdir -p "$dir/bin/lib"
# bin/fini-mcp is the launcher (one clear line on a machine this build is not for); the ELF sits beside it.
install -m 0755 "$bin" "$dir/bin/fini-mcp-linux-x64"
strip --strip-unneeded "$dir/bin/fini-mcp-linux-x64"
cmake -DFILE="$dir/bin/fini-mcp-linux-x64" -P "$here/set-rpath.cmake"
remote=$(node -p 'require(process.argv[1]).repository + "#run-it-as-a-remote-server"' "$here/package-info.json")
sed "s|@REMOTE_URL@|$remote|" "$here/launcher.sh" >"$dir/bin/fini-mcp"
chmod 0755 "$dir/bin/fini-mcp"
"$here/copy-libs.sh" "$bin" "$dir/bin/lib" "$dir/licenses"
cp -r "$repo/manifests" "$repo/skills" "$dir/"
cp "$here/claude-plugin/README.md" "$dir/README.md"
cp "$repo/LICENSE" "$dir/LICENSE"
cp "$here/icon.png" "$dir/icon.png"
node "$here/gen-plugin.mjs" --version "$version" --dir "$market"
