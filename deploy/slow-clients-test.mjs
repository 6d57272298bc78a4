// Slow-client check: fini-sim, fini-mcp --http replicas and Debian's nginx (deploy/nginx/
// loopback.conf.in + mcp-proxy.conf) on loopback. 500 clients open connections to nginx and
// dribble their request headers one byte at a time, never finishing; meanwhile a normal client
// makes tools/call after tools/call. Every normal call must be answered correctly within 1 s while
// all 500 slow connections are still open (nginx holds them; the replicas never see them).
// For contrast the same slow clients are then pointed straight at one replica: its bounded pool
// answers the overflow 503 + Retry-After at once (no hang), which is why the deploy README says to
// expose replicas only behind such a proxy.
// usage: node deploy/slow-clients-test.mjs [--slow 500] [--calls 40] [--replicas 3]
// Prints its figures; exit 0 only if every check holds.
import { connect } from 'node:net';
import { KEYS, scratchDir } from '../tests/e2e/lib/env.mjs';
import { startHttpServer } from '../tests/e2e/lib/http.mjs';
import { startNginx } from '../tests/e2e/lib/nginx.mjs';
import { startSim } from '../tests/e2e/lib/sim.mjs';

const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : dflt; };
const SLOW = arg('slow', 500), CALLS = arg('calls', 40), REPLICAS = arg('replicas', 3), LIMIT_MS = 1000;

const dir = scratchDir('slow');
const sim = await startSim({ dir, requestLog: false, args: ['--threads', '32'] });
const replicas = [];
for (let i = 0; i < REPLICAS; i++) replicas.push(await startHttpServer({ dir, args: ['--base-url', sim.url] }));
const nginx = await startNginx({ dir, upstreams: replicas.map((r) => r.url) });

// Opens `n` connections to url's host and sends a request line plus the start of a header, then one
// more byte every 200 ms, forever. Resolves once every socket is connected and has sent its first bytes.
async function slowClients(url, n) {
  const { hostname, port } = new URL(url);
  const sockets = [];
  let closed = 0;
  await Promise.all(Array.from({ length: n }, () => new Promise((resolve, reject) => {
    const s = connect({ host: hostname, port: Number(port) }, () => {
      s.write(`POST /mcp HTTP/1.1\r\nHost: ${hostname}:${port}\r\nX-Dribble: `);
      resolve();
    });
    s.on('error', () => {});          // a reset counts as closed below
    s.on('close', () => { closed++; });
    s.once('error', (e) => { if (s.connecting) reject(e); });
    s.on('data', () => {});           // the direct replica's 503 arrives here
    sockets.push(s);
  })));
  const timer = setInterval(() => { for (const s of sockets) if (!s.destroyed) s.write('a'); }, 200);
  return {
    closed: () => closed,
    stop() { clearInterval(timer); for (const s of sockets) s.destroy(); },
  };
}

async function call(url, id) {
  const t0 = performance.now();
  try {
    // Bounded: a hang shows as a failed check, not a stuck test.
    const res = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(10000),
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', authorization: `Bearer ${KEYS.rw}` },
      body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'list_agents', arguments: {} } }) });
    const text = await res.text();
    return { ms: performance.now() - t0, status: res.status, retryAfter: res.headers.get('retry-after'), ok: res.status === 200 && /Support Agent/.test(text) && !/"isError":true/.test(text) };
  } catch (e) {
    return { ms: performance.now() - t0, status: 0, ok: false, error: e.message };
  }
}

const failures = [];
// 1. Through nginx.
const slow = await slowClients(nginx.url, SLOW);
const through = [];
for (let i = 0; i < CALLS; i++) through.push(await call(nginx.url, i));
const stillOpen = SLOW - slow.closed();
slow.stop();
const worst = Math.max(...through.map((c) => c.ms));
const bad = through.filter((c) => !c.ok).length;
if (bad) failures.push(`${bad} of ${CALLS} calls through nginx were not answered correctly`);
if (worst >= LIMIT_MS) failures.push(`slowest call through nginx took ${worst.toFixed(0)} ms (limit ${LIMIT_MS})`);
if (stillOpen !== SLOW) failures.push(`only ${stillOpen} of ${SLOW} slow connections were still open during the calls`);
const sorted = through.map((c) => c.ms).sort((a, b) => a - b);
console.log(`slow clients through nginx: ${SLOW} connections dribbling headers (${stillOpen} still open at the end); ` +
  `${CALLS} normal tools/call: ${CALLS - bad} correct, p50 ${sorted[Math.floor(CALLS / 2)].toFixed(1)} ms, max ${worst.toFixed(1)} ms (limit ${LIMIT_MS} ms)`);
const seenByReplicas = replicas.reduce((n, r) => n + r.accessLog().length, 0);

// 2. Straight at one replica (what the README warns against): bounded, never a hang.
const direct = await slowClients(replicas[0].url, SLOW);
const d = await call(replicas[0].url, 'direct');
direct.stop();
if (d.status !== 503 && !d.ok) failures.push(`direct call under ${SLOW} slow clients got HTTP ${d.status}`);
if (d.ms >= LIMIT_MS) failures.push(`direct call under ${SLOW} slow clients took ${d.ms.toFixed(0)} ms: a hang, not a bounded refusal`);
console.log(`slow clients straight at one replica: a normal call got HTTP ${d.status}${d.retryAfter ? ` (Retry-After ${d.retryAfter})` : ''} in ${d.ms.toFixed(1)} ms ` +
  `(its pool is bounded; nginx in front is what keeps it serving); requests the replicas logged during part 1: ${seenByReplicas} (the ${CALLS} normal calls + nginx health checks)`);
if (seenByReplicas < CALLS || seenByReplicas > CALLS + 2 * REPLICAS) failures.push(`replicas logged ${seenByReplicas} requests during part 1`);

await nginx.stop();
for (const r of replicas) await r.stop();
await sim.stop();
for (const f of failures) console.log(`  FAILED: ${f}`);
process.exit(failures.length ? 1 : 0);
