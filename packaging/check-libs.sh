#!/usr/bin/env bash
# One copy of each library per process: fails when a library in LIBDIR defines a symbol BIN also
# defines (a library linked statically into BIN and carried as a .so too: two OpenSSLs, two C++
# runtimes), when two libraries in LIBDIR define the same symbol, or when a library in LIBDIR is
# needed by nothing. Weak (vague-linkage) symbols are shared by design and not counted, nor are the
# binary's copy-relocated data symbols (std::cout and the like: the library's object, moved, still one).
#   packaging/check-libs.sh BIN LIBDIR        Prints one line; exit 1 on a duplicate.
set -uo pipefail
bin=${1:?usage: check-libs.sh BIN LIBDIR}
libdir=${2:?usage: check-libs.sh BIN LIBDIR}
work=$(mktemp -d "${TMPDIR:-/tmp}/fini-check-libs.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Strong defined dynamic symbols (nm -D types in uppercase except W/V: T D B R G S A ...), versions cut.
strong() { nm -D --defined-only "$1" 2>/dev/null | awk '$2 ~ /^[A-Z]$/ && $2 !~ /^[WVUA]$/ { sub(/@.*/, "", $3); print $3 }' | sort -u; }
copy_relocs() { readelf -rW "$1" | awk '$3 ~ /_COPY$/ { sub(/@.*/, "", $5); print $5 }' | sort -u; }
copy_relocs "$bin" >"$work/copy.syms"
strong "$bin" | comm -23 - "$work/copy.syms" >"$work/bin.syms"
problems=() libs=()
for lib in "$libdir"/*.so*; do
  [[ -f $lib ]] || continue
  name=$(basename "$lib"); libs+=("$name")
  strong "$lib" >"$work/$name.syms"
  dup=$(comm -12 "$work/bin.syms" "$work/$name.syms")
  if [[ -n $dup ]]; then
    problems+=("$name: $(wc -l <<<"$dup") symbols also defined in $(basename "$bin") (e.g. $(head -3 <<<"$dup" | tr '\n' ' '))")
  fi
done
for ((i = 0; i < ${#libs[@]}; i++)); do
  for ((j = i + 1; j < ${#libs[@]}; j++)); do
    dup=$(comm -12 "$work/${libs[i]}.syms" "$work/${libs[j]}.syms")
    [[ -z $dup ]] || problems+=("${libs[i]} and ${libs[j]} both define $(wc -l <<<"$dup") symbols (e.g. $(head -3 <<<"$dup" | tr '\n' ' '))")
  done
done
needed=$(for f in "$bin" "$libdir"/*.so*; do [[ -f $f ]] && readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; done | sort -u)
for name in "${libs[@]}"; do
  grep -qxF "$name" <<<"$needed" || problems+=("$name: needed by neither $(basename "$bin") nor another carried library")
done
if ((${#problems[@]})); then
  printf 'check-libs: %s\n' "${problems[@]}"
  exit 1
fi
echo "check-libs: ${#libs[@]} libraries in $(basename "$libdir"), each symbol defined once ($(wc -l <"$work/bin.syms") in the binary)"
