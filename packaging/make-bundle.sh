#!/usr/bin/env bash
# Assembles and packs the MCP Bundle: dist/fini-mcp-<version>-linux-x64.mcpb.
#   packaging/make-bundle.sh BIN [DIST_DIR]
# BIN must be the FINI_STATIC_RUNTIME build linked with an $ORIGIN/lib DT_RPATH (see `make bundle`).
# Layout: manifest.json icon.png LICENSE licenses/ server/{fini-mcp,lib/,manifests/,skills/}.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
bin=${1:?usage: make-bundle.sh BIN [DIST_DIR]}
dist=${2:-$repo/dist}
mcpb=${MCPB:-$repo/tests/e2e/node_modules/.bin/mcpb}
[[ -x $mcpb ]] || { echo "make-bundle: $mcpb missing (run make node-deps)" >&2; exit 1; }

version=$("$bin" --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+[^ ]*' | head -1)
[[ -n $version ]] || { echo "make-bundle: cannot read the version from $bin --version" >&2; exit 1; }
readelf -d "$bin" | grep -q 'RPATH.*\$ORIGIN/lib' || {
  echo "make-bundle: $bin has no \$ORIGIN/lib DT_RPATH (build it with make bundle)" >&2; exit 1; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/fini-bundle.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/server/lib" "$stage/licenses" "$dist"
install -m 0755 "$bin" "$stage/server/fini-mcp"
strip --strip-unneeded "$stage/server/fini-mcp"
cmake -DFILE="$stage/server/fini-mcp" -P "$here/set-rpath.cmake"
cp -r "$repo/manifests" "$repo/skills" "$stage/server/"
cp "$here/icon.png" "$stage/icon.png"
cp "$repo/LICENSE" "$stage/LICENSE"

# Every library outside the C library family goes into server/lib (by soname, dereferenced), with its
# Debian copyright file; a scrubbed LD_LIBRARY_PATH so we copy what a clean machine would need.
is_libc_family() { [[ $1 =~ ^(linux-vdso|libc|libm|libpthread|libdl|librt|libutil|libresolv|ld-linux[-a-z0-9_]*)\.so ]]; }
while read -r soname path; do
  is_libc_family "$soname" && continue
  [[ -f $path ]] || { echo "make-bundle: $soname does not resolve ($path)" >&2; exit 1; }
  cp -L "$path" "$stage/server/lib/$soname"
  chmod 0644 "$stage/server/lib/$soname"
  # dpkg knows a file by the path it shipped it at: /lib or /usr/lib (merged /usr), link or target.
  real=$(readlink -f "$path"); pkg=
  for p in "$path" "$real" "${real#/usr}" "/usr$real"; do
    pkg=$(dpkg -S "$p" 2>/dev/null | head -1 | cut -d: -f1) && [[ -n $pkg ]] && break
  done
  if [[ -n $pkg && -f /usr/share/doc/$pkg/copyright ]]; then
    cp "/usr/share/doc/$pkg/copyright" "$stage/licenses/$pkg.copyright"
  fi
done < <(env -u LD_LIBRARY_PATH ldd "$bin" | awk '$2 == "=>" { print $1, $3 } $2 != "=>" && $1 ~ /^\// { n=split($1,a,"/"); print a[n], $1 }')
strip --strip-unneeded "$stage"/server/lib/*.so* 2>/dev/null || true

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
