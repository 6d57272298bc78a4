#!/usr/bin/env bash
# Runs every benchmark against a Release build and prints one line per figure.
# Figures are medians/ratios measured in this one run; nothing here is asserted by tests.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/release}
# FINI_MCP_BIN: another fini-mcp against the same sandbox and load (e.g. a baseline copy).
MCP=${FINI_MCP_BIN:-$PWD/$BUILD/server/fini-mcp}
SIM=$PWD/$BUILD/sim/fini-sim
BENCH=$PWD/$BUILD/bench/fini-bench
# The sandbox's public read+write key (sim/fixtures/keys.json), passed by environment, never argv.
SANDBOX_KEY=fini_sandbox_acme_rw_1d9a7e3c52
# `bench/run.sh BUILD goals`: only the runs that measure the goals (a few minutes).
ONLY=${2:-all}
# Each goal is one "GOAL <name>: ..." line printed by the run that measured it; they are
# printed again together at the end.
GOALS=$(mktemp)
measure() {
  local out
  out=$("$@")
  printf '%s\n' "$out"
  grep '^GOAL ' <<<"$out" >>"$GOALS" || true
}
# Starts the sandbox with the given flags; its first stdout line (flushed) is {"url": ...}, read
# with a blocking `read` (no polling). Sets SIM_PID and URL.
start_sim() {
  exec {SIM_FD}< <(exec "$SIM" --port 0 "$@" 2>/dev/null)
  SIM_PID=$!
  read -r -u "$SIM_FD" line
  URL=$(sed -E 's/.*"url":"([^"]+)".*/\1/' <<<"$line")
}
stop_sim() { kill "$SIM_PID" 2>/dev/null || true; exec {SIM_FD}<&-; }
trap 'kill ${SIM_PID:-} 2>/dev/null || true; rm -f "$GOALS"' EXIT
# The goals: fini-mcp's own CPU per call against the sandbox's (same run, from /proc), start-up,
# and the added latency of one tools/call over a direct request.
goals() {
  echo "== goals: spawn -> initialize (all manifests, then 10 copies of each with distinct names)"
  measure "$BENCH" startup --mcp "$MCP" --runs 60 --goal-ms 5
  measure "$BENCH" startup --mcp "$MCP" --runs 30 --manifests-times 10 --goal-ms 15
  echo "== goals: tools/call vs a direct keep-alive GET, 0 ms sandbox latency"
  start_sim
  measure env FINI_API_KEY=$SANDBOX_KEY "$BENCH" latency --mcp "$MCP" --sim-url "$URL" --calls 500 --goal 1.5
  stop_sim
  echo "== goals: fini-mcp CPU per call / fini-sim CPU per call, 64 in flight, 5 ms sandbox latency"
  echo "   (calls/s vs the ideal 64/0.005 s = 12,800/s, CPU per call of each process; the machine has $(nproc) cores)"
  measure env FINI_API_KEY=$SANDBOX_KEY "$BENCH" concurrency --mcp "$MCP" --sim "$SIM" --latency-ms 5 --concurrency 64 \
    --calls 20000 --goal 0.6
  measure env FINI_API_KEY=$SANDBOX_KEY "$BENCH" concurrency --http --mcp "$MCP" --sim "$SIM" --latency-ms 5 \
    --concurrency 64 --calls 20000 --goal 0.9
}
summary() {
  echo "== goals measured in this run"
  cat "$GOALS"
}
goals
if [ "$ONLY" = goals ]; then
  summary
  exit 0
fi
echo "== start-up to the initialize response (fixture tools)"
"$BENCH" startup --mcp "$MCP" --manifests tests/fixtures/manifests/valid --runs 60
echo "== tools/list size (all manifests, then 10 copies of each)"
"$BENCH" listsize --mcp "$MCP"
"$BENCH" listsize --mcp "$MCP" --manifests-times 10
echo "== the outputSchema check (drift guard): CPU per tools/call, in-process, with vs without it"
"$BENCH" outputcheck --manifests manifests --calls 400
echo "== tools/call vs a direct keep-alive GET with 2 ms of simulated API latency (closer to a real network; context, not a goal)"
start_sim --latency-ms 2
FINI_API_KEY=$SANDBOX_KEY "$BENCH" latency --mcp "$MCP" --sim-url "$URL" --calls 200
stop_sim
echo "== 64 threads with keep-alive GETs straight to the sandbox, 5 ms latency, no fini-mcp (the ceiling for the stdio goal run)"
FINI_API_KEY=$SANDBOX_KEY "$BENCH" concurrency --mcp "$MCP" --sim "$SIM" --latency-ms 5 --concurrency 64 --calls 20000 --direct
echo "== HTTP mode (fini-mcp serve --http): 64 client threads with keep-alive POST /mcp, 5 ms sandbox latency,"
echo "   (one fini-mcp directly: in the goals above) through nginx (deploy/nginx/loopback.conf.in + mcp-proxy.conf) to 3 replicas;"
echo "   CPU per call of every process in the path (the machine has $(nproc) cores)"
FINI_API_KEY=$SANDBOX_KEY "$BENCH" concurrency --http --replicas 3 --nginx "${NGINX_BIN:-/usr/sbin/nginx}" --repo "$PWD" \
  --mcp "$MCP" --sim "$SIM" --latency-ms 5 --concurrency 64 --calls 20000
echo "== stdio, 64 in flight, 5 ms, with --workers 8 (the old default), for comparison"
FINI_API_KEY=$SANDBOX_KEY "$BENCH" concurrency --mcp "$MCP" --sim "$SIM" --latency-ms 5 --concurrency 64 --calls 5000 --workers 8
echo "== fault soak: 50,000 calls (30% create_tag_group writes), 64 in flight, ~20% transient faults"
echo "   (drop 5%, error 12% of 500/503/429, malformed 2xx 5%); fails on any broken check"
FINI_API_KEY=$SANDBOX_KEY "$BENCH" soak --mcp "$MCP" --sim "$SIM" --calls 50000 --concurrency 64
echo "== export: the export tool over a sandbox scaled to 1,000 / 5,000 / 10,000 conversations"
echo "   (rows/s, server peak RSS per size: flat = streaming; bytes that reach the model vs bytes exported)"
FINI_API_KEY=$SANDBOX_KEY "$BENCH" export --mcp "$MCP" --sim "$SIM" --rows 1000,5000,10000 --format jsonl
FINI_API_KEY=$SANDBOX_KEY "$BENCH" export --mcp "$MCP" --sim "$SIM" --rows 10000 --format sqlite
for B in "$PWD/$BUILD/bench/bench_sim_keepalive" "$PWD/$BUILD/sim/bench_sim_keepalive"; do
  if [ -x "$B" ]; then
    echo "== sandbox keep-alive throughput (4 threads, 3 s)"
    "$B"
    break
  fi
done
summary
