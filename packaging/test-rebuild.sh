#!/usr/bin/env bash
# `make plugin` after `make release` packages the release build as it is: its build log shows no
# compile and no link, and the plugin's native binary is the release binary. `make install PREFIX=…`
# after it also compiles nothing and installs exactly the two binaries (no RPATH: the system's
# libraries), the manifests and the skills; the installed server answers a tools/call (--sandbox).
#   packaging/test-rebuild.sh [REL_DIR]     Prints `rebuild: N passed, M failed`; exit 1 if any failed.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
rel=${1:-build/release}
work=$(mktemp -d "${TMPDIR:-/tmp}/fini-test-rebuild.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { echo "ok   - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1"; [[ -n ${2:-} ]] && sed 's/^/       /' <<<"$2"; failed=$((failed + 1)); }

make -C "$repo" --no-print-directory release >"$work/release.log" 2>&1 || bad "make release" "$(tail -20 "$work/release.log")"
if make -C "$repo" --no-print-directory plugin PLUGIN_DIR="$work/plugin" >"$work/plugin.log" 2>&1; then
  ok "make plugin after make release"
else bad "make plugin" "$(tail -20 "$work/plugin.log")"; fi
work_lines=$(grep -E 'Building (CXX|C) object|Linking CXX|Embedding sandbox fixtures' "$work/plugin.log" || true)
[[ -z $work_lines ]] && ok "make plugin's build log: nothing compiled or linked ($(grep -c 'Built target' "$work/plugin.log") targets up to date)" \
  || bad "make plugin rebuilt" "$work_lines"
grep -q '^plugin: fini ' "$work/plugin.log" && ok "make plugin wrote the plugin" || bad "no plugin line" "$(tail -5 "$work/plugin.log")"
# The packaged ELF is the release binary: same build id.
id() { readelf -n "$1" 2>/dev/null | awk '/Build ID/ { print $3 }'; }
[[ -n $(id "$repo/$rel/server/fini-mcp") && $(id "$repo/$rel/server/fini-mcp") == $(id "$work/plugin/fini/bin/fini-mcp-linux-x64") ]] \
  && ok "bin/fini-mcp-linux-x64 is $rel/server/fini-mcp (same build id)" || bad "plugin binary is not the release binary"

prefix=$work/prefix
if make -C "$repo" --no-print-directory install PREFIX="$prefix" >"$work/install.log" 2>&1; then ok "make install PREFIX=$prefix"
else bad "make install" "$(tail -20 "$work/install.log")"; fi
built=$(grep -E 'Building (CXX|C) object|Linking CXX' "$work/install.log" || true)
[[ -z $built ]] && ok "make install's build log: nothing compiled or linked" || bad "make install rebuilt" "$built"
tree=$(cd "$prefix" && find . -mindepth 1 -maxdepth 3 | sort | tr '\n' ' ')
[[ $tree == "./bin ./bin/fini-mcp ./bin/fini-sim ./share ./share/fini-mcp ./share/fini-mcp/manifests ./share/fini-mcp/skills " ]] \
  && ok "installed: bin/fini-mcp bin/fini-sim share/fini-mcp/{manifests,skills}, nothing else" || bad "installed tree" "$tree"
rp=$(readelf -d "$prefix/bin/fini-mcp" "$prefix/bin/fini-sim" | grep -E 'RPATH|RUNPATH' || true)
[[ -z $rp ]] && ok "installed binaries carry no RPATH" || bad "installed RPATH" "$rp"
out=$(cd "$work" && env -i PATH=/usr/bin:/bin HOME="$work" node "$repo/packaging/stdio-check.mjs" --call list_agents -- \
      "$prefix/bin/fini-mcp" serve --sandbox 2>&1)
grep -q '"tools":58' <<<"$out" && grep -q 'Support Agent' <<<"$out" \
  && ok "installed fini-mcp serve --sandbox: 58 tools from share/fini-mcp, list_agents answered" || bad "installed server" "${out:0:500}"

echo "rebuild: $passed passed, $failed failed"
[[ $failed == 0 ]]
