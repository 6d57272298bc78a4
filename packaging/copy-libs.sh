#!/usr/bin/env bash
# Copies every shared library BIN needs outside the C library family into LIBDIR (by soname,
# dereferenced, stripped), and with LICENSEDIR the Debian copyright file of each library's package.
# ldd runs with a scrubbed LD_LIBRARY_PATH, so this copies what a clean machine would need.
#   packaging/copy-libs.sh BIN LIBDIR [LICENSEDIR]
# The scheme (CMakeLists.txt): everything is linked shared, so each library exists once, in LIBDIR.
set -euo pipefail
bin=${1:?usage: copy-libs.sh BIN LIBDIR [LICENSEDIR]}
libdir=${2:?usage: copy-libs.sh BIN LIBDIR [LICENSEDIR]}
licenses=${3:-}
mkdir -p "$libdir" ${licenses:+"$licenses"}
is_libc_family() { [[ $1 =~ ^(linux-vdso|libc|libm|libpthread|libdl|librt|libutil|libresolv|ld-linux[-a-z0-9_]*)\.so ]]; }
while read -r soname path; do
  is_libc_family "$soname" && continue
  [[ -f $path ]] || { echo "copy-libs: $soname does not resolve ($path)" >&2; exit 1; }
  cp -L "$path" "$libdir/$soname"
  chmod 0644 "$libdir/$soname"
  strip --strip-unneeded "$libdir/$soname"
  [[ -n $licenses ]] || continue
  # dpkg knows a file by the path it shipped it at: /lib or /usr/lib (merged /usr), link or target.
  real=$(readlink -f "$path"); pkg=
  for p in "$path" "$real" "${real#/usr}" "/usr$real"; do
    pkg=$(dpkg -S "$p" 2>/dev/null | head -1 | cut -d: -f1) && [[ -n $pkg ]] && break
  done
  if [[ -n $pkg && -f /usr/share/doc/$pkg/copyright ]]; then
    cp "/usr/share/doc/$pkg/copyright" "$licenses/$pkg.copyright"
  fi
done < <(env -u LD_LIBRARY_PATH ldd "$bin" | awk '$2 == "=>" { print $1, $3 }')
