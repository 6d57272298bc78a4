#!/usr/bin/env bash
# Assembles a one-plugin Claude Code marketplace in DIR (default dist/claude-plugin):
#   DIR/.claude-plugin/marketplace.json
#   DIR/fini/  .claude-plugin/plugin.json .mcp.json README.md LICENSE icon.png
#              bin/fini-mcp bin/lib/*.so* manifests/ skills/
# BIN must be the $ORIGIN/lib build from `make bundle`/`make plugin`; its libraries are copied as for the bundle.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
bin=${1:?usage: make-plugin.sh BIN [DIR]}
market=${2:-$repo/dist/claude-plugin}
dir=$market/fini
version=$("$bin" --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+[^ ]*' | head -1)
readelf -d "$bin" | grep -q 'RPATH.*\$ORIGIN/lib' || {
  echo "make-plugin: $bin has no \$ORIGIN/lib DT_RPATH (build it with make plugin)" >&2; exit 1; }

rm -rf "$market"
mkdir -p "$dir/bin/lib"
install -m 0755 "$bin" "$dir/bin/fini-mcp"
strip --strip-unneeded "$dir/bin/fini-mcp"
cmake -DFILE="$dir/bin/fini-mcp" -P "$here/set-rpath.cmake"
while read -r soname path; do
  [[ $soname =~ ^(linux-vdso|libc|libm|libpthread|libdl|librt|libutil|libresolv|ld-linux[-a-z0-9_]*)\.so ]] && continue
  [[ -f $path ]] || { echo "make-plugin: $soname does not resolve" >&2; exit 1; }
  cp -L "$path" "$dir/bin/lib/$soname"; chmod 0644 "$dir/bin/lib/$soname"
done < <(env -u LD_LIBRARY_PATH ldd "$bin" | awk '$2 == "=>" { print $1, $3 }')
strip --strip-unneeded "$dir"/bin/lib/*.so* 2>/dev/null || true
cp -r "$repo/manifests" "$repo/skills" "$dir/"
cp "$here/claude-plugin/README.md" "$dir/README.md"
cp "$repo/LICENSE" "$dir/LICENSE"
cp "$here/icon.png" "$dir/icon.png"
node "$here/gen-plugin.mjs" --version "$version" --dir "$market"
