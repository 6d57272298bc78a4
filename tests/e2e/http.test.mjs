// HTTP e2e: `fini-mcp serve --http` driven by the official SDK client over
// StreamableHTTPClientTransport (TS SDK 1.32.2), against fini-sim: listing, every read tool, SSE
// progress, client abort reaching the upstream socket, 401/403, two workspaces' keys in
// parallel, the drain on SIGTERM, HTTPS with a test CA, and the key never in any output.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_DIR, KEYS, LOCAL_TOOLS, MANIFEST_COUNT, scratchDir, sleep } from './lib/env.mjs';
import { connectHttp, post, startHttpServer } from './lib/http.mjs';
import { resultText } from './lib/mcp.mjs';
import { callEveryReadTool } from './lib/read-tools.mjs';
import { startSim } from './lib/sim.mjs';
import { startDripStub } from './lib/stub.mjs';
import { makePki } from './lib/tls.mjs';

const dir = scratchDir('http');
const servers = [];
let sim, srv;

async function poll(cond, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!cond() && Date.now() < deadline) await sleep(20);
  return cond();
}

async function serve(opts) {
  const s = await startHttpServer({ dir, ...opts });
  servers.push(s);
  return s;
}

before(async () => {
  sim = await startSim({ dir, args: ['--job-step-ms', '40'] });
  srv = await serve({ args: ['--base-url', sim.url] });
});

after(async () => {
  for (const s of servers) {
    const { code } = await s.stop();
    assert.equal(code, 0, `fini-mcp --http exits 0 on SIGTERM (${s.stderrFile})`);
    const text = s.stderrText();
    for (const key of Object.values(KEYS)) assert.ok(!text.includes(key), `a key appeared in ${s.stderrFile}`);
  }
  await sim?.stop();
});

const structured = (r) => r.structuredContent ?? JSON.parse(resultText(r));

describe('Streamable HTTP with the SDK client', () => {
  test('lists every tool and calls every read tool against the sandbox', async (t) => {
    const c = await connectHttp(srv.url, KEYS.rw);
    try {
      const { tools } = await c.client.listTools();
      // Every manifest; not the local export tools (they write files on the server: stdio only).
      assert.equal(tools.length, MANIFEST_COUNT);
      for (const name of LOCAL_TOOLS) assert.ok(!tools.some((x) => x.name === name), `${name} is not served over HTTP`);
      const { reads } = await callEveryReadTool(tools, async (name, args) => {
        const mark = sim.mark();
        const r = await c.client.callTool({ name, arguments: args });
        assert.ok((await sim.since(mark, { min: 1 })).length >= 1, `${name} reached the sandbox`);
        return r;
      });
      t.diagnostic(`${reads.length} read tools called over HTTP`);
      const last = srv.accessLog().at(-1);
      assert.equal(last.status, 200);
      assert.equal(typeof last.upstream_status, 'number');
    } finally {
      await c.close();
    }
  });

  test('two keys in parallel (acme, globex) each see only their own workspace', async () => {
    const acme = await connectHttp(srv.url, KEYS.rw);
    const globex = await connectHttp(srv.url, KEYS.globexRw);
    try {
      const calls = [];
      for (let i = 0; i < 40; i++) {
        calls.push(acme.client.callTool({ name: 'list_agents', arguments: {} }).then((r) => ['acme', resultText(r)]));
        calls.push(globex.client.callTool({ name: 'list_agents', arguments: {} }).then((r) => ['globex', resultText(r)]));
      }
      const results = await Promise.all(calls);
      for (const [who, text] of results) {
        if (who === 'acme') { assert.match(text, /Support Agent/); assert.doesNotMatch(text, /Globex Helper/); }
        else { assert.match(text, /Globex Helper/); assert.doesNotMatch(text, /Support Agent/); }
      }
    } finally {
      await acme.close();
      await globex.close();
    }
  });

  test('401 with WWW-Authenticate: Bearer without a key; the SDK client cannot connect', async () => {
    const r = await post(srv.url, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_agents', arguments: {} } });
    assert.equal(r.status, 401);
    // With the OAuth sign-in on (the default) the challenge names the metadata.
    const prm = `${new URL(srv.url).origin}/.well-known/oauth-protected-resource/mcp`;
    assert.equal(r.headers.get('www-authenticate'), `Bearer resource_metadata="${prm}", scope="mcp"`);
    assert.equal(r.json.error.code, -32001);
    await assert.rejects(connectHttp(srv.url, null), /401|Unauthorized/i);
    const bad = await post(srv.url, { jsonrpc: '2.0', id: 1, method: 'ping' }, { authorization: 'Bearer nope' });
    assert.equal(bad.status, 401);
    assert.equal(bad.headers.get('www-authenticate'), `Bearer error="invalid_token", resource_metadata="${prm}", scope="mcp"`);
    // --no-oauth: raw keys only, the bare challenge (no resource metadata).
    const plain = await serve({ args: ['--base-url', sim.url, '--no-oauth'] });
    const none = await post(plain.url, { jsonrpc: '2.0', id: 1, method: 'ping' });
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    const plainBad = await post(plain.url, { jsonrpc: '2.0', id: 1, method: 'ping' }, { authorization: 'Bearer nope' });
    assert.equal(plainBad.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
    assert.equal((await fetch(`${new URL(plain.url).origin}/.well-known/oauth-authorization-server`)).status, 404);
  });

  test('a key Fini rejects: the tool result explains it', async () => {
    const c = await connectHttp(srv.url, KEYS.revoked);
    try {
      const r = await c.client.callTool({ name: 'list_agents', arguments: {} });
      assert.equal(r.isError, true);
      assert.match(resultText(r), /401|invalid|revoked/i);
      assert.match(resultText(r), /Authorization header/);
    } finally {
      await c.close();
    }
  });

  test('403 for a foreign Origin (a rebound Host: tests/http, Node cannot set Host)', async () => {
    const r = await post(srv.url, { jsonrpc: '2.0', id: 1, method: 'ping' }, { authorization: `Bearer ${KEYS.rw}`, origin: 'http://evil.example.com' });
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, -32600);
    await assert.rejects(connectHttp(srv.url, KEYS.rw, { headers: { Origin: 'http://evil.example.com' } }), /403|Forbidden/i);
  });

  test('GET and DELETE /mcp answer 405; /healthz, /readyz and /metrics answer', async () => {
    assert.equal((await fetch(srv.url)).status, 405);
    assert.equal((await fetch(srv.url, { method: 'DELETE' })).status, 405);
    const base = srv.url.replace(/\/mcp$/, '');
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /fini_mcp_http_requests_total\{method="tools\/call",tool="list_agents",status="200"\} \d+/);
    assert.match(metrics, /fini_mcp_upstream_calls_total\{tool="list_agents",status="200"\} \d+/);
    assert.match(metrics, /fini_mcp_http_request_duration_seconds_bucket/);
  });

  test('keyless requests cannot write into /metrics or grow its labels', async () => {
    const base = srv.url.replace(/\/mcp$/, '');
    const injected = 'x"} 1\nfake_metric{a="b';
    const r1 = await post(srv.url, { jsonrpc: '2.0', id: 1, method: injected });
    const r2 = await post(srv.url, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'fini_live_Q2x9aaaaaaaaaaaaaaaaaaaa', arguments: {} } });
    assert.equal(r1.status, 401);
    assert.equal(r2.status, 401);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.ok(!metrics.includes('fake_metric'), 'a client-chosen method wrote a line into /metrics');
    assert.ok(!metrics.includes('fini_live_'), 'a client-chosen tool name reached /metrics');
    assert.match(metrics, /fini_mcp_http_requests_total\{method="other",tool="-",status="401"\} \d+/);
    assert.match(metrics, /fini_mcp_http_requests_total\{method="tools\/call",tool="other",status="401"\} \d+/);
  });
});

describe('slow calls', () => {
  test('a slow call streams progress over SSE before its result', async () => {
    const slowSim = await startSim({ dir, args: ['--latency-ms', '1500'] });
    const s = await serve({ args: ['--base-url', slowSim.url] });
    const c = await connectHttp(s.url, KEYS.rw);
    try {
      const progress = [];
      const r = await c.client.callTool({ name: 'list_agents', arguments: {} }, undefined, { onprogress: (p) => progress.push(p), timeout: 20000 });
      assert.ok(!r.isError, resultText(r));
      assert.ok(progress.length >= 1, 'progress notifications arrived before the result');
      assert.match(progress[0].message, /waiting for Fini/);
      const raw = await post(s.url, { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'list_agents', arguments: {}, _meta: { progressToken: 'p' } } }, { authorization: `Bearer ${KEYS.rw}` });
      assert.equal(raw.headers.get('content-type'), 'text/event-stream');
      assert.ok(raw.text.indexOf('notifications/progress') < raw.text.indexOf('"result"'));
    } finally {
      await c.close();
      await slowSim.stop({ force: true });
    }
  });

  test('a client abort cancels the upstream request: SDK cancellation, and a POST whose connection closes', async () => {
    const drip = await startDripStub({ intervalMs: 200 });
    const s = await serve({ args: ['--base-url', drip.url] });
    const c = await connectHttp(s.url, KEYS.rw);
    try {
      // 1. The SDK's AbortSignal: it sends notifications/cancelled on its own POST.
      const ac = new AbortController();
      const pending = c.client.callTool({ name: 'list_agents', arguments: {} }, undefined, { signal: ac.signal, timeout: 60000 }).catch((e) => e);
      assert.ok(await poll(() => drip.dripping() === 1, 10000), 'the call reached the (dripping) upstream');
      ac.abort();
      await pending;
      assert.ok(await poll(() => drip.dripping() === 0, 5000), 'notifications/cancelled closed the upstream socket');
      // 2. The HTTP connection itself goes away (fetch aborted): the server notices and cancels.
      const ac2 = new AbortController();
      const raw = fetch(s.url, {
        method: 'POST', signal: ac2.signal,
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${KEYS.rw}` },
        body: JSON.stringify({ jsonrpc: '2.0', id: 'raw-1', method: 'tools/call', params: { name: 'list_agents', arguments: {} } }),
      }).catch((e) => e);
      assert.ok(await poll(() => drip.dripping() === 1, 10000), 'the raw call reached the upstream');
      ac2.abort();
      await raw;
      assert.ok(await poll(() => drip.dripping() === 0, 5000), 'the closed connection closed the upstream socket');
      assert.ok(await poll(() => s.accessLog().some((l) => l.tool === 'list_agents' && l.status === 499), 5000), 'access log: 499');
    } finally {
      await c.close();
      await drip.stop();
    }
  });

  test('SIGTERM drains: the call in flight finishes, new connections are refused, exit 0', async () => {
    const slowSim = await startSim({ dir, args: ['--latency-ms', '1000'] });
    const s = await startHttpServer({ dir, args: ['--base-url', slowSim.url] });
    const c = await connectHttp(s.url, KEYS.rw);
    try {
      let started;
      const seen = new Promise((r) => { started = r; });
      const pending = c.client.callTool({ name: 'list_agents', arguments: {} }, undefined, { onprogress: () => started(), timeout: 20000 });
      await seen;
      const stopped = s.stop();
      const r = await pending;
      assert.ok(!r.isError, resultText(r));
      assert.match(resultText(r), /Support Agent/);
      const { code } = await stopped;
      assert.equal(code, 0);
      await assert.rejects(fetch(s.url.replace(/\/mcp$/, '/healthz')));
    } finally {
      await c.close();
      await slowSim.stop({ force: true });
    }
  });
});

describe('HTTPS', () => {
  test('the SDK client connects over TLS with a test CA (NODE_EXTRA_CA_CERTS)', async () => {
    const pki = makePki(dir);
    const s = await serve({ args: ['--base-url', sim.url, '--tls-cert', pki.certFile, '--tls-key', pki.keyFile] });
    assert.match(s.url, /^https:\/\/127\.0\.0\.1:\d+\/mcp$/);
    // Node reads NODE_EXTRA_CA_CERTS at start-up only: a child process does the listing.
    const script = `
      import { Client } from '@modelcontextprotocol/sdk/client/index.js';
      import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
      const t = new StreamableHTTPClientTransport(new URL(process.env.URL), { requestInit: { headers: { Authorization: 'Bearer ' + process.env.KEY } } });
      const c = new Client({ name: 'tls', version: '0' });
      await c.connect(t);
      const { tools } = await c.listTools();
      const r = await c.callTool({ name: 'list_agents', arguments: {} });
      console.log(JSON.stringify({ tools: tools.length, isError: !!r.isError }));
      await c.close();`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: E2E_DIR, env: { ...process.env, NODE_EXTRA_CA_CERTS: pki.caFile, URL: s.url, KEY: KEYS.rw }, encoding: 'utf8', timeout: 30000,
    });
    assert.deepEqual(JSON.parse(out.trim().split('\n').at(-1)), { tools: MANIFEST_COUNT, isError: false });
  });

  test('Claude Code: `claude mcp add --transport http … --header Authorization` → `claude mcp list` shows it connected', async () => {
    const pki = makePki(scratchDir('claude-pki'));
    const s = await serve({ args: ['--base-url', sim.url, '--tls-cert', pki.certFile, '--tls-key', pki.keyFile] });
    const home = join(dir, 'claude-home');
    mkdirSync(home, { recursive: true });
    const claude = join(E2E_DIR, 'node_modules/.bin/claude');
    const env = { PATH: process.env.PATH, HOME: home, NODE_EXTRA_CA_CERTS: pki.caFile, DISABLE_AUTOUPDATER: '1' };
    // The sandbox's public key; Claude Code stores it in the scratch HOME and prints it redacted.
    execFileSync(claude, ['mcp', 'add', '--transport', 'http', 'fini', s.url, '--header', `Authorization: Bearer ${KEYS.rw}`],
      { cwd: home, env, encoding: 'utf8', timeout: 60000 });
    const list = execFileSync(claude, ['mcp', 'list'], { cwd: home, env, encoding: 'utf8', timeout: 90000 });
    assert.match(list, new RegExp(`fini: ${s.url.replace(/[.]/g, '\\.')} \\(HTTP\\) - ✔ Connected`));
    // Claude Code 2.1.x is a dual-era client: it probes with a 2026-07-28 server/discover and,
    // since fini-mcp answers it, stays in that era (no initialize); a legacy-only client initializes.
    assert.ok(await poll(() => s.accessLog().some((l) => ['initialize', 'server/discover'].includes(l.rpc) && l.status === 200), 5000),
      'Claude Code opened the connection over HTTPS (initialize or server/discover)');
  });
});
