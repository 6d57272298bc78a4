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
# Starts the sandbox with the given flags; its first stdout line (flushed) is {"url": ...}, read
# with a blocking `read` (no polling). Sets SIM_PID and URL.
start_sim() {
  exec {SIM_FD}< <(exec "$SIM" --port 0 "$@" 2>/dev/null)
  SIM_PID=$!
  read -r -u "$SIM_FD" line
  URL=$(sed -E 's/.*"url":"([^"]+)".*/\1/' <<<"$line")
}
stop_sim() { kill "$SIM_PID" 2>/dev/null || true; exec {SIM_FD}<&-; }
trap 'kill ${SIM_PID:-} 2>/dev/null || true' EXIT
echo "== the outputSchema check (drift guard): CPU per tools/call, in-process, with vs without it"
"$BENCH" outputcheck --manifests manifests --calls 400
echo "== tools/call added latency over a direct keep-alive request (same endpoint, same run)"
echo "   (reproduce: FINI_API_KEY=... fini-bench latency --mcp fini-mcp --sim-url URL --calls 500)"
start_sim
FINI_API_KEY=$SANDBOX_KEY "$BENCH" latency --mcp "$MCP" --sim-url "$URL" --calls 500
stop_sim
echo "== the same with 2 ms of simulated API latency (closer to a real network; context, not the target)"
start_sim --latency-ms 2
FINI_API_KEY=$SANDBOX_KEY "$BENCH" latency --mcp "$MCP" --sim-url "$URL" --calls 200
stop_sim
echo "== 64 concurrent tools/call, 5 ms sandbox latency: calls/s vs the ideal 64/0.005 s = 12,800/s,"
echo "   CPU per call of each process and cores busy (the machine has $(nproc))"
FINI_API_KEY=$SANDBOX_KEY "$BENCH" concurrency --mcp "$MCP" --sim "$SIM" --latency-ms 5 --concurrency 64 --calls 20000
echo "== the same without fini-mcp: 64 threads with keep-alive GETs straight to the sandbox (the ceiling here)"
FINI_API_KEY=$SANDBOX_KEY "$BENCH" concurrency --mcp "$MCP" --sim "$SIM" --latency-ms 5 --concurrency 64 --calls 20000 --direct
echo "== HTTP mode (fini-mcp serve --http): 64 client threads with keep-alive POST /mcp, 5 ms sandbox latency,"
echo "   directly to one fini-mcp, then through nginx (deploy/nginx/loopback.conf.in + mcp-proxy.conf) to 3 replicas;"
echo "   CPU per call of every process in the path (the machine has $(nproc) cores)"
FINI_API_KEY=$SANDBOX_KEY "$BENCH" concurrency --http --mcp "$MCP" --sim "$SIM" --latency-ms 5 --concurrency 64 --calls 20000
FINI_API_KEY=$SANDBOX_KEY "$BENCH" concurrency --http --replicas 3 --nginx "${NGINX_BIN:-/usr/sbin/nginx}" --repo "$PWD" \
  --mcp "$MCP" --sim "$SIM" --latency-ms 5 --concurrency 64 --calls 20000
echo "== the same with --workers 8 (the old default), for comparison"
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
