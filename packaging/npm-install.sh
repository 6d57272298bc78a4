#!/usr/bin/env bash
# Installs packaging's own pinned npm tools (packaging/package-lock.json: @anthropic-ai/mcpb and its
# dependencies) with npm ci into DIR/node_modules, through the npm cache CACHE, and prints what that cost:
# the growth of CACHE, which on a fresh machine (empty cache) is exactly what npm downloaded.
#   packaging/npm-install.sh DIR CACHE       (a no-op when DIR/node_modules is newer than the lock)
# Fails when the download passes LIMIT_MB (default 50): `make bundle` must stay light.
set -euo pipefail
dir=${1:?usage: npm-install.sh DIR CACHE}
cache=${2:?usage: npm-install.sh DIR CACHE}
limit_mb=${LIMIT_MB:-50}
if [[ -d $dir/node_modules && $dir/node_modules/.package-lock.json -nt $dir/package-lock.json ]]; then
  echo "npm: $dir/node_modules up to date ($(cat "$dir/node_modules/.download-figure" 2>/dev/null || echo 'nothing downloaded'))"
  exit 0
fi
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
size() { du -sb "$cache" | cut -f1; }
before=$(size)
(cd "$dir" && npm ci --cache "$cache" --no-audit --no-fund --loglevel=error >/dev/null)
bytes=$(( $(size) - before ))
count=$(node -e 'const l = require(process.argv[1]); console.log(Object.keys(l.packages).filter((k) => k).length)' \
        "$(cd "$dir" && pwd)/package-lock.json")
figure=$(awk -v b="$bytes" -v n="$count" 'BEGIN { printf "%.1f MB downloaded for %d npm packages", b / 1e6, n }')
echo "$figure" >"$dir/node_modules/.download-figure"
echo "npm: $figure (limit $limit_mb MB)"
(( bytes <= limit_mb * 1000 * 1000 )) || { echo "npm: over the $limit_mb MB limit" >&2; exit 1; }
