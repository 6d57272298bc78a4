#!/usr/bin/env bash
# Assembles and packs the MCP Bundle: dist/fini-mcp-<version>-linux-x64.mcpb.
#   packaging/make-bundle.sh BIN [DIST_DIR]
# BIN is the release build (`make release`: every library shared, DT_RPATH $ORIGIN/lib); the libraries it
# needs beyond glibc are carried in server/lib (copy-libs.sh), each exactly once.
# Layout: manifest.json icon.png LICENSE licenses/ server/{fini-mcp,lib/,manifests/,skills/}.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
bin=${1:?usage: make-bundle.sh BIN [DIST_DIR]}
dist=${2:-$repo/dist}
mcpb=${MCPB:-$repo/packaging/node_modules/.bin/mcpb}
[[ -x $mcpb ]] || { echo "make-bundle: $mcpb missing (run make pkg-npm)" >&2; exit 1; }

version=$("$bin" --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+[^ ]*' | head -1)
[[ -n $version ]] || { echo "make-bundle: cannot read the version from $bin --version" >&2; exit 1; }
readelf -d "$bin" | grep -q 'RPATH.*\$ORIGIN/lib' || {
  echo "make-bundle: $bin has no \$ORIGIN/lib DT_RPATH (build it with make release)" >&2; exit 1; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/fini-bundle.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/server/lib" "$stage/licenses" "$dist"
install -m 0755 "$bin" "$stage/server/fini-mcp"
strip --strip-unneeded "$stage/server/fini-mcp"
cmake -DFILE="$stage/server/fini-mcp" -P "$here/set-rpath.cmake"
cp -r "$repo/manifests" "$repo/skills" "$stage/server/"
cp "$here/icon.png" "$stage/icon.png"
cp "$repo/LICENSE" "$stage/LICENSE"

"$here/copy-libs.sh" "$bin" "$stage/server/lib" "$stage/licenses"

# The newest glibc symbol version any bundled ELF needs: stated in the manifest, checked nowhere else.
glibc=$(objdump -T "$stage/server/fini-mcp" "$stage"/server/lib/* 2>/dev/null | grep -oE 'GLIBC_[0-9]+\.[0-9]+' \
        | sed 's/GLIBC_//' | sort -uV | tail -1)

node "$here/gen-mcpb-manifest.mjs" --version "$version" --glibc "$glibc" --out "$stage/manifest.json" \
  --manifests "$stage/server/manifests" --skills "$stage/server/skills"
"$mcpb" validate "$stage/manifest.json"
out="$dist/fini-mcp-$version-linux-x64.mcpb"
rm -f "$out"
"$mcpb" pack "$stage" "$out" >"$stage.pack.log" 2>&1 || { cat "$stage.pack.log"; rm -f "$stage.pack.log"; exit 1; }
grep -E 'Archive Contents|package size|unpacked size|total files|shasum' "$stage.pack.log" || true
rm -f "$stage.pack.log"
echo "bundle: $out ($(du -h "$out" | cut -f1); libs: $(ls "$stage/server/lib" | tr '\n' ' '))"
