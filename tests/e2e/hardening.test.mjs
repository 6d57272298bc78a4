// Hardening e2e: the hardened call path, proven against the built fini-mcp over real pipes and the
// real fini-sim / node stub upstreams over real HTTP on loopback. Each test states the figure it
// measures in its diagnostic output (node:test `t.diagnostic`), visible in the spec reporter.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { KEYS, TOOL_COUNT, scratchDir, sleep } from './lib/env.mjs';
import { INIT, INITIALIZED, rawSession } from './lib/mcp.mjs';
import { call, note, procMem, rpc, startLive, textOf } from './lib/live.mjs';
import { startSim } from './lib/sim.mjs';
import { startDripStub, startEchoAuthStub, startHugeStub, startStub } from './lib/stub.mjs';

const dir = scratchDir('hardening');
const DEPTH_ERROR = { code: -32700, message: 'Parse error: nesting deeper than 128 levels' };
const KEY_ENV = { FINI_API_KEY: KEYS.rw };

// Polls fn() every 50 ms until it is truthy (→ its value) or the deadline passes (→ the last value).
async function poll(fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v || Date.now() > deadline) return v;
    await sleep(50);
  }
}
// Waits until fn() (a number) has not changed for quietMs; returns { value, stableAfterMs }.
async function settle(fn, { quietMs = 1500, timeoutMs = 15000 } = {}) {
  const t0 = Date.now();
  let last = fn(), since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() - t0 > timeoutMs) return { value: last, stableAfterMs: null };
    await sleep(100);
    const v = fn();
    if (v !== last) { last = v; since = Date.now(); }
  }
  return { value: last, stableAfterMs: since - t0 };
}

describe('parsing that cannot be killed: deep nesting', () => {
  const nest = (n) => '['.repeat(n) + ']'.repeat(n);
  const deepLines = (n, tag) => [
    `{"jsonrpc":"2.0","id":"${tag}-params","method":"ping","params":{"x":${nest(n)}}}`,
    `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":${nest(n)},"reason":"x"}}`,
    `{"jsonrpc":"2.0","id":${nest(n)},"method":"ping"}`,
  ];
  for (const depth of [1000, 50000, 500000]) {
    test(`${depth} levels in params / cancelled requestId / id, before and after initialize → -32700 id null, alive`, async (t) => {
      const lines = [];
      const pings = [];
      let k = 0;
      for (const phase of ['pre', 'post']) {
        if (phase === 'post') lines.push(INIT, INITIALIZED);
        for (const l of deepLines(depth, phase)) {
          lines.push(l);
          const id = `ping-${phase}-${++k}`;
          pings.push([id, phase]);
          lines.push(rpc(id, 'ping'));
        }
      }
      const r = await rawSession(lines, { timeoutMs: 60000 });
      const msgs = r.lines.map((l) => JSON.parse(l));
      assert.equal(r.code, 0, `exit code (signal ${r.signal}); stderr: ${r.stderr.slice(0, 2000)}`);
      const nullReplies = msgs.filter((m) => m.id === null);
      assert.equal(nullReplies.length, 6, `one -32700 per deep line: ${r.stdout.slice(0, 1000)}`);
      for (const m of nullReplies) assert.deepEqual(m, { jsonrpc: '2.0', error: DEPTH_ERROR, id: null });
      // A ping after every deep line is answered: the process stayed alive and kept reading.
      for (const [id, phase] of pings) {
        const rep = msgs.filter((m) => m.id === id);
        assert.equal(rep.length, 1, `ping ${id} answered once`);
        if (phase === 'post') assert.deepEqual(rep[0].result, {});
      }
      // The deep replies come in order, each before the ping that follows it.
      const order = msgs.map((m) => (m.id === null ? 'E' : String(m.id).startsWith('ping') ? 'P' : '')).join('');
      assert.match(order, /^EPEPEPEPEPEP$/, 'deep-line error, ping, … in order');
      t.diagnostic(`depth ${depth}: line ${lines[0].length} bytes; 6 deep lines → 6 × -32700, 6 pings answered, exit 0 ${r.exitMs} ms after EOF`);
    });
  }
});

describe('deadlines and cancellation reach the socket', () => {
  let drip;
  before(async () => { drip = await startDripStub({ intervalMs: 200 }); });
  after(async () => { await drip?.stop(); });

  test('8 dripping calls cancelled with notifications/cancelled (--workers 8): sockets closed, the next call answered at once', async (t) => {
    const s = startLive({ args: ['--base-url', drip.url, '--workers', '8'], env: KEY_ENV });
    try {
      await s.initialize();
      for (let i = 1; i <= 8; i++) s.send(call(`drip-${i}`, 'list_agents', {}));
      await poll(() => drip.dripping() === 8, 10000);
      assert.equal(drip.dripping(), 8, 'all 8 calls reached the dripping upstream');
      const tCancel = Date.now();
      for (let i = 1; i <= 8; i++) s.send(note('notifications/cancelled', { requestId: `drip-${i}`, reason: 'user gave up' }));
      await poll(() => drip.dripping() === 0, 5000);
      const closeMs = Date.now() - tCancel;
      assert.equal(drip.dripping(), 0, 'cancellation closed every upstream socket');
      const t0 = Date.now();
      s.send(call('fast', 'list_tag_groups', {}));
      const r = await s.reply('fast', { timeoutMs: 5000 });
      const ms = Date.now() - t0;
      assert.equal(r.result?.isError ?? false, false, JSON.stringify(r));
      assert.ok(ms < 1000, `the call after 8 cancelled ones took ${ms} ms`);
      for (let i = 1; i <= 8; i++) assert.equal(s.repliesTo(`drip-${i}`).length, 0, 'a cancelled call gets no reply');
      t.diagnostic(`8 drip sockets closed ${closeMs} ms after the cancellations; next call answered in ${ms} ms`);
    } finally { await s.stop(); }
  });

  test('a single dripping call ends at the total deadline (--call-timeout-ms 1500) with an isError "in time" result', async (t) => {
    const s = startLive({ args: ['--base-url', drip.url, '--call-timeout-ms', '1500'], env: KEY_ENV });
    try {
      await s.initialize();
      const t0 = Date.now();
      s.send(call('one', 'list_agents', {}));
      const r = await s.reply('one', { timeoutMs: 10000 });
      const ms = Date.now() - t0;
      assert.equal(r.result?.isError, true, JSON.stringify(r));
      assert.match(textOf(r.result), /did not answer .* in time/);
      assert.ok(ms >= 1400 && ms < 3500, `answered after ${ms} ms (deadline 1500 ms, a byte every 200 ms)`);
      await poll(() => drip.dripping() === 0, 3000);
      assert.equal(drip.dripping(), 0, 'the dripping socket was closed at the deadline');
      t.diagnostic(`deadline result after ${ms} ms: ${textOf(r.result).slice(0, 160)}`);
    } finally { await s.stop(); }
  });
});

describe('graceful shutdown loses nothing', () => {
  // 32 create_tag_group calls, each with a progress token; they are known to be in flight (waiting
  // for Fini) once each token got a progress heartbeat (first one after 300 ms).
  async function inflight32(s, tag) {
    const titles = new Map();
    for (let i = 0; i < 32; i++) {
      const id = `${tag}-${i}`;
      const title = `e2e ${tag} ${i} ${randomUUID()}`;
      titles.set(id, title);
      s.send(call(id, 'create_tag_group', { title }, `p-${id}`));
    }
    await s.until(() => [...titles.keys()].every((id) => s.notifications('notifications/progress').some((m) => m.params.progressToken === `p-${id}`)),
      { timeoutMs: 15000, what: 'a progress heartbeat for each of the 32 calls' });
    return titles;
  }

  for (const how of ['EOF', 'SIGTERM', 'SIGINT']) {
    test(`${how} with 32 write calls in flight: 32 real results, exit 0, the sandbox log shows exactly those 32 POSTs`, async (t) => {
      const sim = await startSim({ dir, args: ['--latency-ms', '1500', '--threads', '48'] });
      const s = startLive({ args: ['--base-url', sim.url], env: KEY_ENV });
      try {
        await s.initialize();
        const titles = await inflight32(s, how);
        const t0 = how === 'EOF' ? s.endStdin() : s.kill(how);
        const { code, signal } = await Promise.race([s.exited, sleep(20000).then(() => ({ code: 'timeout' }))]);
        const exitMs = Date.now() - t0;
        assert.equal(signal, null);
        assert.equal(code, 0, `exit code; stderr: ${s.stderr.slice(-1500)}`);
        const made = [];
        for (const [id, title] of titles) {
          const reps = s.repliesTo(id);
          assert.equal(reps.length, 1, `${id} answered exactly once`);
          assert.equal(reps[0].result?.isError ?? false, false, `${id}: ${JSON.stringify(reps[0]).slice(0, 300)}`);
          assert.equal(reps[0].result.structuredContent?.title, title, `${id} carries Fini's real result`);
          made.push(title);
        }
        const posts = (await sim.since(0, { min: 32, timeoutMs: 3000 })).filter((e) => e.method === 'POST');
        assert.equal(posts.length, 32, `the sandbox saw ${posts.length} POSTs`);
        assert.deepEqual(posts.map((e) => e.body?.title).sort(), made.sort(), 'exactly the 32 titles, each once');
        assert.ok(posts.every((e) => e.status === 200));
        assert.equal(s.badLines.length, 0, `non-JSON stdout: ${s.badLines}`);
        t.diagnostic(`${how}: 32/32 answered with real results, exit 0 after ${exitMs} ms, sandbox POSTs 32`);
      } finally { await s.stop(); await sim.stop({ force: true }); }
    });
  }

  test('a second SIGTERM during a long drain (--drain-ms 10000, sandbox latency 5000) cuts it short; every request answered', async (t) => {
    const sim = await startSim({ dir, args: ['--latency-ms', '5000', '--threads', '48'] });
    const s = startLive({ pre: ['--log-level', 'info'], args: ['--base-url', sim.url, '--drain-ms', '10000'], env: KEY_ENV });
    try {
      await s.initialize();
      const titles = await inflight32(s, 'twice');
      s.kill('SIGTERM');
      // Standard signals coalesce: send the second only once the first was seen.
      await s.until(() => /shutting down/.test(s.stderr), { timeoutMs: 5000, what: 'the first SIGTERM to be taken' });
      const t1 = s.kill('SIGTERM');
      const { code, signal } = await Promise.race([s.exited, sleep(15000).then(() => ({ code: 'timeout' }))]);
      const ms = Date.now() - t1;
      assert.equal(signal, null);
      assert.equal(code, 0, `exit code; stderr: ${s.stderr.slice(-1500)}`);
      assert.ok(ms < 2500, `exited ${ms} ms after the second SIGTERM (latency 5000 ms, drain 10000 ms)`);
      let ok = 0, cut = 0;
      for (const id of titles.keys()) {
        const reps = s.repliesTo(id);
        assert.equal(reps.length, 1, `${id} answered exactly once`);
        const r = reps[0];
        if (r.result && !r.result.isError) { ok++; continue; }
        const text = r.error ? r.error.message : textOf(r.result);
        assert.match(text, /shutting down|cancelled/i, `${id}: ${JSON.stringify(r).slice(0, 300)}`);
        cut++;
      }
      t.diagnostic(`second SIGTERM: exit 0 after ${ms} ms; 32 answered (${ok} results, ${cut} shutdown/cancelled errors)`);
    } finally { await s.stop(); await sim.stop({ force: true }); }
  });
});

describe('the key is redacted everywhere', () => {
  test('an upstream echoing Authorization into the body (keys and values, nested): 0 occurrences in stdout or stderr', async (t) => {
    const secret = randomBytes(12).toString('hex');
    const canary = `fini_e2ehard_${secret}`;
    const echo = await startEchoAuthStub();
    const s = startLive({ pre: ['--log-level', 'debug'], args: ['--base-url', echo.url], env: { FINI_API_KEY: canary } });
    try {
      await s.initialize();
      s.send(rpc('lvl', 'logging/setLevel', { level: 'debug' }));
      await s.reply('lvl');
      s.send(call('ok', 'list_agents', {}), call('err', 'get_rule', { ruleId: 'r1' }));
      const ok = await s.reply('ok');
      const err = await s.reply('err');
      s.endStdin();
      await s.exited;
      assert.ok(echo.seen.length >= 2 && echo.seen.every((a) => a === `Bearer ${canary}`), 'the key really went upstream');
      assert.ok(ok.result?.structuredContent, `structuredContent present: ${JSON.stringify(ok).slice(0, 300)}`);
      assert.equal(err.result?.isError, true);
      const needles = [canary, secret, secret.slice(0, 12), secret.slice(12)];
      const hits = [];
      for (const [label, text] of [['stdout', s.stdout], ['stderr', s.stderr],
        ['structuredContent', JSON.stringify(ok.result.structuredContent)], ['text', textOf(ok.result)], ['error text', textOf(err.result)]]) {
        for (const n of needles) if (text.includes(n)) hits.push(`${label} contains ${n === canary ? 'the canary key' : 'part of its secret'}`);
      }
      assert.deepEqual(hits, []);
      t.diagnostic(`canary occurrences: 0 in ${s.stdout.length} bytes of stdout and ${s.stderr.length} bytes of stderr`);
    } finally { await s.stop(); await echo.stop(); }
  });
});

describe('a 50 MB upstream body is capped', () => {
  for (const chunked of [false, true]) {
    test(`50 MB JSON (${chunked ? 'chunked' : 'Content-Length'}) → bounded isError result, peak RSS < baseline + 64 MiB`, async (t) => {
      const huge = await startHugeStub({ chunked });
      const s = startLive({ args: ['--base-url', huge.url], env: KEY_ENV });
      try {
        await s.initialize();
        const base = procMem(s.pid);
        s.send(call('big', 'list_agents', {}));
        const r = await s.reply('big', { timeoutMs: 60000 });
        const after = procMem(s.pid);
        const lineBytes = JSON.stringify(r).length;
        assert.equal(r.result?.isError, true, JSON.stringify(r).slice(0, 300));
        assert.match(textOf(r.result), /the response exceeds the \d+-byte limit/);
        assert.ok(lineBytes < 4096, `the reply is ${lineBytes} bytes`);
        const grew = after.hwm - base.hwm;
        const mib = (b) => (b / 1048576).toFixed(1);
        assert.ok(grew < 64 * 1048576, `VmHWM grew by ${mib(grew)} MiB (baseline ${mib(base.hwm)} MiB, peak ${mib(after.hwm)} MiB)`);
        s.send(rpc('after', 'ping'));
        assert.deepEqual((await s.reply('after')).result, {});
        t.diagnostic(`VmHWM baseline ${mib(base.hwm)} MiB → peak ${mib(after.hwm)} MiB (+${mib(grew)} MiB); upstream wrote ${mib(huge.sent())} MiB before the cut; reply ${lineBytes} bytes: ${textOf(r.result).slice(0, 140)}`);
      } finally { await s.stop(); await huge.stop(); }
    });
  }
});

describe('retries by policy against a 50% 503 sandbox', () => {
  test('GET calls succeed through retries (progress while waiting); a POST that got 503 is not retried', async (t) => {
    // At 50% and 5 attempts a GET exhausts its retries 1 time in 32; the seed fixes the sandbox's
    // fault sequence (the calls are sequential) so that every GET gets through and one POST meets a 503.
    const seed = process.env.E2E_FAULT_SEED ?? '1';
    const sim = await startSim({ dir, args: ['--error-rate', '0.5:503', '--fault-seed', seed] });
    const s = startLive({ args: ['--base-url', sim.url], env: KEY_ENV });
    try {
      await s.initialize();
      const N = 10;
      for (let i = 0; i < N; i++) {
        s.send(call(`get-${i}`, 'list_agents', {}, `pg-${i}`));
        const r = await s.reply(`get-${i}`, { timeoutMs: 30000 });
        assert.equal(r.result?.isError ?? false, false, `get-${i}: ${textOf(r.result)}`);
      }
      // The sandbox logs a request just after answering it: wait for the last 200 to land.
      await poll(() => sim.entries().filter((e) => e.method === 'GET' && e.status === 200).length >= N, 3000);
      const gets = sim.entries().filter((e) => e.method === 'GET');
      const faulted = gets.filter((e) => e.status === 503).length;
      assert.equal(gets.filter((e) => e.status === 200).length, N);
      assert.ok(faulted > 0, 'the sandbox injected 503s (the test is not vacuous)');
      const retryProgress = s.notifications('notifications/progress').filter((m) => /retrying/.test(m.params.message ?? ''));
      assert.ok(retryProgress.length > 0, 'progress notifications while waiting to retry');
      // POSTs: one request each, whatever Fini answered; keep going until one got a 503.
      let posts = 0, got503 = null;
      for (let i = 0; i < 20 && !got503; i++) {
        const title = `e2e retry ${i} ${randomUUID()}`;
        s.send(call(`post-${i}`, 'create_tag_group', { title }));
        const r = await s.reply(`post-${i}`, { timeoutMs: 30000 });
        posts++;
        if (r.result?.isError) { assert.match(textOf(r.result), /503/); got503 = title; }
      }
      assert.ok(got503, 'one POST got a 503 within 20 calls');
      await poll(() => sim.entries().filter((e) => e.method === 'POST').length >= posts, 3000);
      const logged = sim.entries().filter((e) => e.method === 'POST');
      assert.equal(logged.length, posts, `${posts} create calls → ${logged.length} POSTs`);
      assert.equal(logged.filter((e) => e.body?.title === got503).length, 1, 'the 503 POST was sent once');
      t.diagnostic(`${N} GET calls: ${gets.length} requests (${faulted} × 503 retried), all succeeded, ${retryProgress.length} retry progress notifications; ${posts} POST calls → ${logged.length} POSTs (one 503, not retried)`);
    } finally { await s.stop(); await sim.stop(); }
  });
});

describe('scopes learned without writes', () => {
  test('with FINI_API_KEY, the first call (list_agents) sends exactly one HTTP request', async (t) => {
    const sim = await startSim({ dir });
    const s = startLive({ args: ['--base-url', sim.url], env: KEY_ENV });
    try {
      await s.initialize();
      s.send(call('first', 'list_agents', {}));
      const r = await s.reply('first');
      assert.equal(r.result?.isError ?? false, false);
      const sent = await sim.since(0, { min: 1 });
      await poll(() => sim.entries().length > 1, 300);  // anything extra that was in flight lands now
      const all = sim.entries();
      assert.deepEqual(all.map((e) => `${e.method} ${e.path}`), ['GET /v2/bots/public'], 'one request, the user\'s');
      t.diagnostic(`first call sent ${all.length} request(s): ${sent.map((e) => `${e.method} ${e.path}`).join(', ')}`);
    } finally { await s.stop(); await sim.stop(); }
  });

  test('a read-only key calling a write tool: 403, then notifications/tools/list_changed and write tools hidden', async (t) => {
    const sim = await startSim({ dir });
    const s = startLive({ args: ['--base-url', sim.url, '--page-size', '0'], env: { FINI_API_KEY: KEYS.read } });
    try {
      await s.initialize();
      s.send(rpc('l1', 'tools/list'));
      const before = (await s.reply('l1')).result.tools;
      assert.equal(before.length, TOOL_COUNT, 'scopes unknown: every tool listed');
      s.send(call('w', 'create_tag_group', { title: `e2e ro ${randomUUID()}` }));
      const r = await s.reply('w');
      assert.equal(r.result?.isError, true);
      assert.match(textOf(r.result), /403/);
      await s.until(() => s.notifications('notifications/tools/list_changed').length > 0, { timeoutMs: 3000, what: 'notifications/tools/list_changed' });
      s.send(rpc('l2', 'tools/list'));
      const afterList = (await s.reply('l2')).result.tools;
      const writes = afterList.filter((x) => x.annotations?.readOnlyHint !== true).map((x) => x.name);
      assert.deepEqual(writes, [], 'no write tool listed');
      assert.ok(afterList.length > 0 && afterList.length < TOOL_COUNT);
      const posts = sim.entries().filter((e) => e.method === 'POST');
      assert.deepEqual(posts.map((e) => e.status), [403], 'the only POST is the user\'s, refused');
      t.diagnostic(`tools/list ${before.length} → ${afterList.length} after the 403; list_changed sent`);
    } finally { await s.stop(); await sim.stop(); }
  });
});

describe('results sized for a model', () => {
  let sim, s;
  const window = () => ({ since: Date.now() - 89 * 86400000, until: Date.now() });
  before(async () => {
    sim = await startSim({ dir });
    s = startLive({ args: ['--base-url', sim.url], env: KEY_ENV });
    await s.initialize();
  });
  after(async () => { await s?.stop(); await sim?.stop(); });

  test('list_conversations limit 100: structuredContent ≤ 48 KiB, text = JSON.stringify(structuredContent), a note on the rest', async (t) => {
    s.send(call('c100', 'list_conversations', { limit: 100, ...window() }));
    const r = (await s.reply('c100')).result;
    assert.equal(r.isError ?? false, false, textOf(r));
    const json = JSON.stringify(r.structuredContent);
    assert.ok(Buffer.byteLength(json) <= 48 * 1024, `structuredContent is ${Buffer.byteLength(json)} bytes`);
    assert.equal(r.content[0].type, 'text');
    assert.equal(r.content[0].text, json, 'the first text block is the same JSON');
    const shown = r.structuredContent.interactions.length;
    assert.ok(shown >= 1 && shown < 100, `${shown} shown`);
    assert.equal(r.content.length, 2, 'a second text block with the note');
    assert.match(r.content[1].text, new RegExp(`\\b${shown} of 100\\b`));
    assert.match(r.content[1].text, /limit|cursor|fields/);
    // The sandbox really had 100 to give (the trim is the server's).
    const logged = sim.entries().at(-1);
    assert.equal(logged.query.limit, '100');
    t.diagnostic(`structuredContent ${Buffer.byteLength(json)} bytes, ${shown} of 100 shown; note: ${r.content[1].text}`);
  });

  test('fields: ["id"] → items with only id', async (t) => {
    s.send(call('ids', 'list_conversations', { limit: 100, fields: ['id'], ...window() }));
    const r = (await s.reply('ids')).result;
    assert.equal(r.isError ?? false, false, textOf(r));
    const items = r.structuredContent.interactions;
    assert.equal(items.length, 100, 'ids only: all 100 fit');
    for (const it of items) assert.deepEqual(Object.keys(it), ['id']);
    t.diagnostic(`fields [id]: ${items.length} items, ${Buffer.byteLength(JSON.stringify(r.structuredContent))} bytes`);
  });
});

describe('batches (2025-03-26)', () => {
  test('a slow tools/call in a batch does not block a later ping; the batch array comes once all members are done', async (t) => {
    const slow = await startStub({ delayMs: 1500 });
    const s = startLive({ args: ['--base-url', slow.url], env: KEY_ENV });
    try {
      const init = await s.initialize('2025-03-26');
      assert.equal(init.protocolVersion, '2025-03-26');
      const t0 = Date.now();
      s.send(JSON.stringify([JSON.parse(call('b-call', 'list_agents', {})), JSON.parse(rpc('b-ping', 'ping'))]));
      s.send(rpc('after', 'ping'));
      const pong = await s.reply('after');
      const pingMs = Date.now() - t0;
      assert.deepEqual(pong.result, {});
      const batchIdx = await s.until(() => { const i = s.messages.findIndex(Array.isArray); return i >= 0 ? i + 1 : 0; }, { timeoutMs: 10000, what: 'the batch reply' });
      const arr = s.messages[batchIdx - 1];
      const batchMs = s.arrivals[batchIdx - 1] - t0;
      assert.ok(s.messages.indexOf(pong) < batchIdx - 1, 'the ping after the batch was answered first');
      assert.ok(pingMs < 1000, `ping answered after ${pingMs} ms while the batch's call waited 1500 ms`);
      assert.ok(batchMs >= 1400, `the batch reply came after ${batchMs} ms`);
      assert.deepEqual(arr.map((m) => m.id).sort(), ['b-call', 'b-ping']);
      assert.equal(arr.find((m) => m.id === 'b-call').result?.isError ?? false, false);
      assert.equal(s.repliesTo('b-call').length + s.repliesTo('b-ping').length, 0, 'batch members only inside the array');
      t.diagnostic(`ping after the batch: ${pingMs} ms; batch array (2 replies): ${batchMs} ms`);
    } finally { await s.stop(); await slow.stop(); }
  });
});

describe('stdout closed by the client', () => {
  test('the server stops calling Fini soon, and exits when stdin closes', async (t) => {
    const sim = await startSim({ dir, args: ['--latency-ms', '200'] });
    const s = startLive({ args: ['--base-url', sim.url, '--workers', '8'], env: KEY_ENV });
    try {
      await s.initialize();
      const N = 400;  // 8 at a time × 200 ms ≈ 10 s of work if nobody stopped it
      for (let i = 0; i < N; i++) s.send(call(`c-${i}`, 'list_agents', {}));
      await poll(() => sim.entries().length >= 16, 10000);
      assert.ok(sim.entries().length >= 16, 'calls are flowing');
      s.child.stdout.destroy();
      const atClose = sim.entries().length;
      const { value: final, stableAfterMs } = await settle(() => sim.entries().length, { quietMs: 1500, timeoutMs: 15000 });
      assert.ok(stableAfterMs !== null, `the sandbox log kept growing for 15 s (${final} requests)`);
      assert.ok(final - atClose <= 24, `${final - atClose} requests after stdout closed`);
      // The server may already have exited on its own (it stops once a write fails); if not,
      // closing stdin must end it.
      const exitedEarly = !s.alive();
      const t0 = s.endStdin();
      const { code, signal } = await Promise.race([s.exited, sleep(5000).then(() => ({ code: 'timeout' }))]);
      const exitMs = Date.now() - t0;
      assert.notEqual(code, 'timeout', 'exited after stdin closed');
      assert.equal(signal, null, `ended by signal ${signal}`);
      t.diagnostic(`${atClose} requests before stdout closed, ${final - atClose} after (log stable ${stableAfterMs} ms later), of ${N} calls sent; ` +
        (exitedEarly ? `the server had already exited (code ${code}) before stdin closed` : `exit ${code} ${exitMs} ms after EOF`));
    } finally { await s.stop(); await sim.stop({ force: true }); }
  });
});
