// Scale-out check: fini-sim, 3 fini-mcp --http replicas and Debian's nginx (deploy/nginx/
// mcp-proxy.conf, round-robin) on loopback; ≥ 32 concurrent clients send tools/call with the
// acme and globex keys interleaved, half of them writes (create_tag_group, each with its own
// title). Every request must be answered exactly once with its own workspace's data. At a
// quarter of the run one replica is killed (SIGKILL, a crash): the calls in flight on it may
// fail, but only with nginx's "may or may not have been applied" error, and no write may reach
// the sandbox twice (nginx must not re-send them). At half the run another replica gets SIGTERM
// and must drain (exit 0) with 0 requests lost while the last one takes the new ones.
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
if (!NO_KILL && REPLICAS < 3) throw new Error('--replicas must be >= 3 (one killed, one drained, one left)');

const dir = scratchDir('scale');
const simArgs = LATENCY ? ['--latency-ms', String(LATENCY), '--threads', '128'] : ['--threads', '64'];
// Each create waits 20 ms in the sandbox before it is applied: at the SIGKILL some are sure to be
// there, sent by the dying replica and applied after it died (what nginx must not send again).
if (!NO_KILL) simArgs.push('--route-fault', 'POST /v2/tag-groups/public delay=20;times=1000000000');
const sim = await startSim({ dir, requestLog: !NO_KILL, args: simArgs });
const replicas = [];
for (let i = 0; i < REPLICAS; i++) replicas.push(await startHttpServer({ dir, args: ['--base-url', sim.url, '--drain-ms', '20000'] }));
const nginx = await startNginx({ dir, upstreams: replicas.map((r) => r.url) });
const url = nginx.url;

const RUN = `${process.pid}-${Date.now()}`;
const title = (i) => `scale-${RUN}-${i}`;
const LOST = /may or may not have been applied/;
const answers = new Map();  // id → times answered
const latencies = [];
const lostWrites = [];     // titles of creates answered with the lost-call error
let wrong = 0, errors = 0, lost = 0, next = 0, afterKill = 0, afterExit = 0, killedAt = -1, killExit = null, exitedAt = Infinity;
let crashedAt = -1, inFlight = 0, inFlightAtCrash = 0, lostInDrain = 0;
const errorSamples = [];
const killIndex = Math.floor(CALLS / 2), crashIndex = Math.floor(CALLS / 4);
const t0 = Date.now();

function call(i) {
  const acme = i % 2 === 0, write = i % 4 >= 2;
  const params = write ? { name: 'create_tag_group', arguments: { title: title(i) } } : { name: 'list_agents', arguments: {} };
  return { acme, write, body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params }) };
}

// The answer is right: the caller's own workspace's agents, or the group it created.
function correct(i, out, acme, write) {
  if (write) return out.includes(title(i));
  const own = acme ? /Support Agent/ : /Globex Helper/, other = acme ? /Globex Helper/ : /Support Agent/;
  return own.test(out) && !other.test(out);
}

async function one(i) {
  const { acme, write, body } = call(i);
  const started = performance.now();
  inFlight++;
  try {
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', authorization: `Bearer ${acme ? KEYS.rw : KEYS.globexRw}` } });
    const text = await res.text();
    if (res.status === 502 && LOST.test(JSON.parse(text).error?.message ?? '')) {
      lost++;
      if (killedAt >= 0 && i > killedAt) lostInDrain++;  // a drain must lose nothing
      answers.set(i, (answers.get(i) ?? 0) + 1);
      if (write) lostWrites.push(title(i));
      return;
    }
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
    const msg = JSON.parse(text);
    answers.set(msg.id, (answers.get(msg.id) ?? 0) + 1);
    const out = JSON.stringify(msg.result ?? msg.error);
    if (msg.id !== i || msg.result?.isError) throw new Error(`bad answer for ${i}: ${out.slice(0, 200)}`);
    if (!correct(i, out, acme, write)) wrong++;
    if (killedAt >= 0 && i > killedAt) afterKill++;
    if (started > exitedAt) afterExit++;  // sent once replica 1 was gone: the others answered it
    latencies.push(performance.now() - started);
  } catch (e) {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(`${i}: ${e.message}`);
  } finally {
    inFlight--;
  }
}

async function client() {
  for (;;) {
    const i = next++;
    if (i >= CALLS) return;
    if (i === crashIndex && !NO_KILL) {
      crashedAt = i;
      inFlightAtCrash = inFlight;
      replicas[2].child.kill('SIGKILL');  // a crash: no drain, its connections reset
    }
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

// Server side: each call executed at most once across the replicas (a retry after execution would
// show up as a surplus here), and what replica 1 refused while draining (nginx re-sent it).
const served = replicas.map((r) => r.accessLog().filter((l) => l.rpc === 'tools/call' && l.status === 200).length);
const refused = replicas.map((r) => r.accessLog().filter((l) => l.status === 503).length);
const executed = served.reduce((a, b) => a + b, 0);
// Sandbox side: every create_tag_group that reached Fini, by title. A title twice is a write
// applied twice; an ok answer must have exactly one, a lost one at most one.
const applied = new Map();
for (const e of sim.entries()) {
  const t = e.body?.title;
  if (e.method === 'POST' && typeof t === 'string' && t.startsWith(`scale-${RUN}-`) && e.status >= 200 && e.status < 300) {
    applied.set(t, (applied.get(t) ?? 0) + 1);
  }
}
const dupWrites = [...applied.values()].filter((n) => n > 1).length;
const writesOk = [...answers.keys()].filter((i) => call(i).write && !lostWrites.includes(title(i)));
const missingWrites = writesOk.filter((i) => applied.get(title(i)) !== 1).length;
const lostApplied = lostWrites.filter((t) => applied.has(t)).length;

const once = [...answers.values()].filter((n) => n === 1).length;
const dup = [...answers.values()].filter((n) => n > 1).length;
const unanswered = CALLS - answers.size;
const ok = once === CALLS && dup === 0 && unanswered === 0 && wrong === 0 && errors === 0 && executed <= CALLS &&
  (NO_KILL ? lost === 0 && executed === CALLS
    : killExit === 0 && afterKill > 0 && lostInDrain === 0 && dupWrites === 0 && missingWrites === 0 && lost <= CLIENTS);
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : 0).toFixed(2);
console.log(`scale-out: ${CALLS} tools/call (half of them writes) from ${CLIENTS} clients through nginx to ${REPLICAS} replicas in ${seconds.toFixed(1)} s ` +
  `(${Math.round(CALLS / seconds)} calls/s, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms${LATENCY ? `, ideal ${Math.round(CLIENTS / (LATENCY / 1000))}/s` : ''}): answered exactly once ${once}, duplicated ${dup}, unanswered ${unanswered}, ` +
  `other workspace's data ${wrong}, errors ${errors}` +
  (NO_KILL ? '' : `; replica 3 got SIGKILL at call ${crashedAt} with ${inFlightAtCrash} calls in flight: ${lost} answered "may or may not have been applied" ` +
    `(${lostWrites.length} of them writes, ${lostApplied} of those applied), writes applied twice ${dupWrites}, ok writes not applied exactly once ${missingWrites}; ` +
    `replica 1 got SIGTERM at call ${killedAt} and exited ${killExit}; ${afterKill} calls sent after the SIGTERM answered (${afterExit} after it had exited), ${lostInDrain} lost`));
console.log(`  executed per replica ${served.join('/')} (sum ${executed}); refused with 503 while draining or full, re-sent by nginx: ${refused.join('/')}`);
for (const s of errorSamples) console.log(`  error: ${s}`);
process.exit(ok ? 0 : 1);
