// Scale-out check: fini-sim, 3 fini-mcp --http replicas and Debian's nginx (deploy/nginx/
// mcp-proxy.conf, round-robin) on loopback; ≥ 32 concurrent clients send tools/call with the
// acme and globex keys interleaved. Every request must be answered exactly once with its own
// workspace's data; one replica gets SIGTERM mid-run and must drain (exit 0) with 0 requests
// lost while the others take the new ones.
// usage: node deploy/scale-test.mjs [--calls 2000] [--clients 32] [--replicas 3] [--latency-ms 0] [--no-kill]
// (--no-kill: a throughput run for bench/, every replica stays up)
// Prints one summary line; exit 0 only if every check holds.
import { KEYS, scratchDir, sleep } from '../tests/e2e/lib/env.mjs';
import { startHttpServer } from '../tests/e2e/lib/http.mjs';
import { startNginx } from '../tests/e2e/lib/nginx.mjs';
import { startSim } from '../tests/e2e/lib/sim.mjs';

const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : dflt; };
const NO_KILL = process.argv.includes('--no-kill');
const CALLS = arg('calls', 2000), CLIENTS = arg('clients', 32), REPLICAS = arg('replicas', 3), LATENCY = arg('latency-ms', 0);

const dir = scratchDir('scale');
const sim = await startSim({ dir, requestLog: false, args: LATENCY ? ['--latency-ms', String(LATENCY), '--threads', '128'] : ['--threads', '64'] });
const replicas = [];
for (let i = 0; i < REPLICAS; i++) replicas.push(await startHttpServer({ dir, args: ['--base-url', sim.url, '--drain-ms', '20000'] }));
const nginx = await startNginx({ dir, upstreams: replicas.map((r) => r.url) });
const url = nginx.url;

const answers = new Map();  // id → times answered
const latencies = [];
let wrong = 0, errors = 0, next = 0, afterKill = 0, afterExit = 0, killedAt = -1, killExit = null, exitedAt = Infinity;
const errorSamples = [];
const killIndex = Math.floor(CALLS / 2);
const t0 = Date.now();

async function one(i) {
  const acme = i % 2 === 0;
  const body = JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'list_agents', arguments: {} } });
  const started = performance.now();
  try {
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', authorization: `Bearer ${acme ? KEYS.rw : KEYS.globexRw}` } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
    const msg = JSON.parse(text);
    answers.set(msg.id, (answers.get(msg.id) ?? 0) + 1);
    const out = JSON.stringify(msg.result ?? msg.error);
    if (msg.id !== i || msg.result?.isError) throw new Error(`bad answer for ${i}: ${out.slice(0, 200)}`);
    const own = acme ? /Support Agent/ : /Globex Helper/, other = acme ? /Globex Helper/ : /Support Agent/;
    if (!own.test(out) || other.test(out)) wrong++;
    if (killedAt >= 0 && i > killedAt) afterKill++;
    if (started > exitedAt) afterExit++;  // sent once replica 1 was gone: the others answered it
    latencies.push(performance.now() - started);
  } catch (e) {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(`${i}: ${e.message}`);
  }
}

async function client() {
  for (;;) {
    const i = next++;
    if (i >= CALLS) return;
    if (i === killIndex && !NO_KILL) {
      killedAt = i;
      replicas[0].stop().then(({ code }) => { killExit = code; exitedAt = performance.now(); });  // SIGTERM: drain, then exit
    }
    await one(i);
  }
}
await Promise.all(Array.from({ length: CLIENTS }, client));
const seconds = (Date.now() - t0) / 1000;
while (!NO_KILL && killExit === null) await sleep(20);

await nginx.stop();
for (const r of replicas.slice(1)) await r.stop();
await sim.stop();

// Server side: each call executed exactly once across the replicas (a retry after execution would
// show up as a surplus here), and what replica 1 refused while draining (nginx re-sent it).
const served = replicas.map((r) => r.accessLog().filter((l) => l.rpc === 'tools/call' && l.status === 200).length);
const refused = replicas.map((r) => r.accessLog().filter((l) => l.status === 503).length);
const executed = served.reduce((a, b) => a + b, 0);
const once = [...answers.values()].filter((n) => n === 1).length;
const dup = [...answers.values()].filter((n) => n > 1).length;
const lost = CALLS - answers.size;
const ok = once === CALLS && dup === 0 && lost === 0 && wrong === 0 && errors === 0 && executed === CALLS && (NO_KILL || (killExit === 0 && afterKill > 0));
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : 0).toFixed(2);
console.log(`scale-out: ${CALLS} tools/call from ${CLIENTS} clients through nginx to ${REPLICAS} replicas in ${seconds.toFixed(1)} s ` +
  `(${Math.round(CALLS / seconds)} calls/s, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms${LATENCY ? `, ideal ${Math.round(CLIENTS / (LATENCY / 1000))}/s` : ''}): answered exactly once ${once}, duplicated ${dup}, lost ${lost}, ` +
  `other workspace's data ${wrong}, errors ${errors}` +
  (NO_KILL ? '' : `; replica 1 got SIGTERM at call ${killedAt} and exited ${killExit}; ${afterKill} calls sent after the SIGTERM answered (${afterExit} after it had exited)`));
console.log(`  executed per replica ${served.join('/')} (sum ${executed}); refused with 503 while draining or full, re-sent by nginx: ${refused.join('/')}`);
for (const s of errorSamples) console.log(`  error: ${s}`);
process.exit(ok ? 0 : 1);
