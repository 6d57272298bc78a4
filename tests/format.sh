#!/usr/bin/env bash
# clang-format (the Debian 12 version the root .clang-format is written for) over every tracked C++
# file under server/, sim/, tests/ and bench/.
#   tests/format.sh check   Changes nothing; lists the files clang-format would change, with the
#                           first lines of the diff for each. Last line `format: N passed, M failed`;
#                           exit 1 if any file needs formatting.
#   tests/format.sh apply   Rewrites those files in place (`make format`).
# Env: CLANG_FORMAT (default clang-format-14).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 2
mode=${1:-check}
cf=${CLANG_FORMAT:-clang-format-14}
command -v "$cf" >/dev/null || { echo "format: $cf not found (make installs it: apt-get install clang-format-14)" >&2; exit 2; }

dirs=(server sim tests bench)
# Tracked files only (never build trees or node_modules); a tree without git falls back to find.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- "${dirs[@]/%//*.cpp}" "${dirs[@]/%//*.hpp}")
else
  mapfile -t files < <(find "${dirs[@]}" -path '*/node_modules' -prune -o -type f \( -name '*.cpp' -o -name '*.hpp' \) -print | sort)
fi
[ ${#files[@]} -gt 0 ] || { echo "format: no C++ files found under ${dirs[*]}" >&2; exit 2; }

case "$mode" in
  apply)
    printf '%s\0' "${files[@]}" | xargs -0 -n 64 -P "$(nproc)" "$cf" -i --style=file || exit 1
    echo "format: ${#files[@]} files formatted with $cf"
    ;;
  check)
    # One diagnostic per file is enough to name it; the diff shows what would change. One process
    # at a time: parallel ones would interleave their lines.
    out=$(printf '%s\0' "${files[@]}" | xargs -0 "$cf" --style=file --dry-run -Werror --ferror-limit=1 2>&1)
    rc=$?
    bad=$(sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*clang-format-violations.*/\1/p' <<<"$out" | sed "s|^$repo/||" | sort -u)
    # Any other failure (a bad .clang-format, a crash) must not pass as "nothing to change".
    if [ "$rc" -ne 0 ] && [ -z "$bad" ]; then
      echo "FAIL - $cf itself failed (exit $rc):"; head -20 <<<"$out" | sed 's/^/       /'
      echo "format: 0 passed, 1 failed"; exit 1
    fi
    failed=0
    for f in $bad; do
      failed=$((failed + 1))
      if [ "$failed" -le 5 ]; then
        echo "FAIL - $f needs clang-format:"
        "$cf" --style=file "$f" | diff -u "$f" - | sed -n '3,14p' | sed 's/^/       /'
      fi
    done
    [ "$failed" -gt 5 ] && echo "       ... and $((failed - 5)) more files:" $(echo "$bad" | tail -n +6 | head -20) "..."
    [ "$failed" -gt 0 ] && echo "format: run \`make format\` (clang-format-14 -i) and commit the result"
    echo "format: $(( ${#files[@]} - failed )) passed, $failed failed"
    [ "$failed" -eq 0 ]
    ;;
  *) echo "usage: $0 [check|apply]" >&2; exit 2 ;;
esac
