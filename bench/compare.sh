#!/usr/bin/env bash
# Two fini-mcp binaries under the same load, interleaved round by round (A B A B ...) so drift in
# the machine's other load hits both: CPU per call of fini-mcp and of the sandbox over stdio and
# HTTP (64 in flight, 5 ms), and tools/call vs a direct GET at 0 ms; medians per binary at the end.
#   bench/compare.sh OLD_FINI_MCP NEW_FINI_MCP [ROUNDS] [CALLS]   (fini-sim, fini-bench from build/release)
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$1 NEW=$2 ROUNDS=${3:-3} CALLS=${4:-10000}
BUILD=${BUILD:-build/release}
SIM=$PWD/$BUILD/sim/fini-sim
BENCH=$PWD/$BUILD/bench/fini-bench
export FINI_API_KEY=fini_sandbox_acme_rw_1d9a7e3c52  # the sandbox's public key (sim/fixtures/keys.json)
OUT=$(mktemp)
trap 'rm -f "$OUT"; kill ${SIM_PID:-} 2>/dev/null || true' EXIT
start_sim() {
  exec {SIM_FD}< <(exec "$SIM" --port 0 --log-level error 2>/dev/null)
  SIM_PID=$!
  read -r -u "$SIM_FD" line
  URL=$(sed -E 's/.*"url":"([^"]+)".*/\1/' <<<"$line")
}
stop_sim() { kill "$SIM_PID" 2>/dev/null || true; exec {SIM_FD}<&-; }
for round in $(seq "$ROUNDS"); do
  for which in old new; do
    MCP=$([ "$which" = old ] && echo "$OLD" || echo "$NEW")
    for mode in stdio http; do
      flag=$([ "$mode" = http ] && echo --http || true)
      goal=$([ "$mode" = http ] && echo 0.9 || echo 0.6)
      line=$("$BENCH" concurrency $flag --mcp "$MCP" --sim "$SIM" --latency-ms 5 --concurrency 64 --calls "$CALLS" \
        --goal "$goal" | grep '^GOAL')
      echo "round $round $which $mode: ${line#*: }"
      sed -E "s/.*: ([0-9.]+)× .*fini-mcp ([0-9.]+) us, fini-sim ([0-9.]+) us.*/$which $mode \1 \2 \3/" <<<"$line" >>"$OUT"
    done
    start_sim
    line=$("$BENCH" latency --mcp "$MCP" --sim-url "$URL" --calls 500 --goal 1.5 | grep '^GOAL')
    stop_sim
    echo "round $round $which latency: ${line#*: }"
    sed -E "s/.*: ([0-9.]+)× .*median ([0-9.]+) vs ([0-9.]+) us.*/$which latency \1 \2 \3/" <<<"$line" >>"$OUT"
  done
done
echo "== medians over $ROUNDS rounds (ratio, fini-mcp us/call or tools/call us, fini-sim us/call or direct GET us)"
for which in old new; do
  for mode in stdio http latency; do
    awk -v w="$which" -v m="$mode" 'BEGIN { n = 0 } $1 == w && $2 == m { r[n] = $3; a[n] = $4; b[n] = $5; n++ }
      function med(x,   i, j, t) { for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
                                    return x[int(n / 2)] }
      END { if (n) printf "%s %-7s ratio %.2f  %.1f vs %.1f us\n", w, m, med(r), med(a), med(b) }' "$OUT"
  done
done
