#!/usr/bin/env bash
# Runs every benchmark against a Release build and prints one line per figure.
# Figures are medians/ratios measured in this one run; nothing here is asserted by tests.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/release}
MCP=$PWD/$BUILD/server/fini-mcp
SIM=$PWD/$BUILD/sim/fini-sim
BENCH=$PWD/$BUILD/bench/fini-bench
# The sandbox's public read+write key (sim/fixtures/keys.json), passed by environment, never argv.
SANDBOX_KEY=fini_sandbox_acme_rw_1d9a7e3c52
echo "== start-up to the initialize response (fixture tools, then all 56 manifests)"
"$BENCH" startup --mcp "$MCP" --manifests tests/fixtures/manifests/valid --runs 60
"$BENCH" startup --mcp "$MCP" --runs 60
echo "== tools/list size"
"$BENCH" listsize --mcp "$MCP"
echo "== tools/call added latency over a direct keep-alive request (same endpoint, same run)"
LOG=$(mktemp)
"$SIM" --port 0 >"$LOG" 2>/dev/null &
SIM_PID=$!
trap 'kill $SIM_PID 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 100); do grep -q url "$LOG" && break; sleep 0.05; done
URL=$(head -1 "$LOG" | sed -E 's/.*"url":"([^"]+)".*/\1/')
FINI_API_KEY=$SANDBOX_KEY "$BENCH" latency --mcp "$MCP" --sim-url "$URL" --calls 500
kill $SIM_PID 2>/dev/null || true; wait $SIM_PID 2>/dev/null || true
echo "== the same with 2 ms of simulated API latency (closer to a real network; context, not the target)"
"$SIM" --port 0 --latency-ms 2 >"$LOG" 2>/dev/null &
SIM_PID=$!
for _ in $(seq 100); do grep -q url "$LOG" && break; sleep 0.05; done
URL=$(head -1 "$LOG" | sed -E 's/.*"url":"([^"]+)".*/\1/')
FINI_API_KEY=$SANDBOX_KEY "$BENCH" latency --mcp "$MCP" --sim-url "$URL" --calls 200
for B in "$PWD/$BUILD/bench/bench_sim_keepalive" "$PWD/$BUILD/sim/bench_sim_keepalive"; do
  if [ -x "$B" ]; then
    echo "== sandbox keep-alive throughput (4 threads, 3 s)"
    "$B"
    break
  fi
done
