// The HTTP edge under hostile clients, against the real `fini-mcp serve --http`: requests
// without a key cost almost nothing (refused before their body is read, bodies bounded while
// read, chunked or not, memory back after the peak), and framing is never guessed at
// (pipelined requests answered in order, ambiguous Content-Length/Authorization refused, a
// total deadline per request, X-Forwarded-Proto only from trusted proxies, an access log that
// prints only known methods and never what a mis-framed request carried).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { scratchDir } from './lib/env.mjs';
import { startHttpServer } from './lib/http.mjs';
import { makePki } from './lib/tls.mjs';

const dir = scratchDir('edge');
const servers = [];
const MiB = 1024 * 1024;
// Key-shaped but unknown to anyone: passes the shape check, so its body is read (and bounded).
const SHAPED_KEY = 'fini_edgeShapedButUnknown0123456789';

async function serve(args = [], env = {}) {
  const s = await startHttpServer({ dir, args, env });
  servers.push(s);
  const u = new URL(s.url);
  return { ...s, host: u.hostname, port: Number(u.port), pid: s.child.pid };
}

after(async () => {
  for (const s of servers) {
    const { code } = await s.stop();
    assert.equal(code, 0, `fini-mcp --http exits 0 on SIGTERM (${s.stderrFile})`);
  }
});

const status = (pid, field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

async function metric(s, reason) {
  const text = await (await fetch(`http://${s.host}:${s.port}/metrics`)).text();
  const m = new RegExp(`fini_mcp_http_rejected_total\\{reason="${reason}"\\} (\\d+)`).exec(text);
  return m ? Number(m[1]) : 0;
}

// One POST /mcp; resolves with the status, or with the socket error when the server closed
// the connection while the body was still being sent (after answering).
function hostilePost(s, { headers = {}, body, chunks = 0, chunk }) {
  return new Promise((resolve) => {
    const req = http.request({ host: s.host, port: s.port, path: '/mcp', method: 'POST', agent: false,
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers } });
    let done = false;
    const finish = (v) => { if (!done) { done = true; req.destroy(); resolve(v); } };
    req.on('response', (res) => { res.resume(); finish({ status: res.statusCode }); });
    req.on('error', (e) => finish({ error: e.code }));
    if (body) { req.end(body); return; }
    let sent = 0;
    const pump = () => {
      while (!done && sent < chunks) {
        sent++;
        if (!req.write(chunk)) { req.once('drain', pump); return; }
      }
      if (!done && sent >= chunks) req.end();
    };
    pump();
  });
}

describe('keyless requests cost almost nothing', () => {
  let s;
  // ASan keeps freed blocks in a quarantine (256 MB by default), which would hide whether memory
  // goes back: this server runs without it (the other sanitizer checks stay on).
  const asan = [process.env.ASAN_OPTIONS, 'quarantine_size_mb=0'].filter(Boolean).join(':');
  before(async () => { s = await serve([], { ASAN_OPTIONS: asan }); });  // --max-body-bytes 4 MiB

  test('64 keyless 4 MB arrays, 64 keyless and 8 key-shaped 64 MiB chunked bodies: all answered, memory bounded and returned', async (t) => {
    const keyless = { 'mcp-protocol-version': '2025-11-25' };
    await hostilePost(s, { headers: keyless, body: '{}' });  // warm: the first request's one-off allocations
    const baseline = status(s.pid, 'VmRSS');
    const flat = Buffer.from(`[${'0,'.repeat(1999999)}0]`);  // 4 MB of one flat array (under the 4 MiB limit)
    const chunk = Buffer.alloc(MiB, 0x30);
    // Three waves of concurrent requests (each within the connection threads, so none is refused
    // for capacity instead); the peak is the process's high-water mark over all of them.
    const results = [
      ...await Promise.all(Array.from({ length: 64 }, () => hostilePost(s, { headers: keyless, body: flat }))),
      ...await Promise.all(Array.from({ length: 64 }, () => hostilePost(s, { headers: keyless, chunks: 64, chunk }))),
      ...await Promise.all(Array.from({ length: 8 }, () => hostilePost(s, { headers: { authorization: `Bearer ${SHAPED_KEY}` }, chunks: 64, chunk }))),
    ];
    const peak = status(s.pid, 'VmHWM');
    t.diagnostic(`baseline ${(baseline / MiB).toFixed(1)} MiB, peak ${(peak / MiB).toFixed(1)} MiB`);
    const statuses = results.map((r) => r.status ?? r.error);
    for (const r of statuses.slice(0, 128)) assert.ok(r === 401 || r === 'ECONNRESET' || r === 'EPIPE', `keyless: ${r}`);
    for (const r of statuses.slice(128)) assert.ok(r === 413 || r === 'ECONNRESET' || r === 'EPIPE', `key-shaped: ${r}`);
    // Every one was answered (the server counted each refusal), whatever the client saw of it.
    assert.equal(await metric(s, 'unauthorized_before_body'), 128);
    assert.equal(await metric(s, 'body_too_large'), 8);
    assert.equal(await metric(s, 'overloaded'), 0);
    assert.ok(peak < baseline + 128 * MiB, `peak RSS ${(peak / MiB).toFixed(1)} MiB vs baseline ${(baseline / MiB).toFixed(1)} MiB`);
    let rss = status(s.pid, 'VmRSS');
    for (const until = Date.now() + 5000; rss > baseline + 32 * MiB && Date.now() < until; rss = status(s.pid, 'VmRSS')) {
      await new Promise((r) => setTimeout(r, 50));  // polling the figure, not waiting for an event
    }
    assert.ok(rss < baseline + 32 * MiB, `RSS after ${(rss / MiB).toFixed(1)} MiB vs baseline ${(baseline / MiB).toFixed(1)} MiB`);
    assert.equal((await fetch(`http://${s.host}:${s.port}/healthz`)).status, 200);
  });
});

// Sends raw bytes, reads until the server closes; the text received.
function raw(s, bytes, { drip, dripFrom = 0, ca } = {}) {
  return new Promise((resolve, reject) => {
    const sock = ca ? tls.connect({ port: s.port, host: s.host, ca, servername: 'localhost' }) : net.connect(s.port, s.host);
    let out = '';
    let timer;
    sock.on('data', (d) => { out += d.toString('latin1'); });
    sock.on('error', (e) => (e.code === 'ECONNRESET' ? null : reject(e)));
    sock.on('close', () => { clearInterval(timer); resolve(out); });
    sock.on(ca ? 'secureConnect' : 'connect', () => {
      if (!drip) { sock.write(bytes); return; }
      let i = dripFrom;
      if (dripFrom > 0) sock.write(bytes.slice(0, dripFrom));
      timer = setInterval(() => { if (i < bytes.length) sock.write(bytes.slice(i, ++i)); }, drip);
    });
  });
}

const ping = (id, { close = false, extra = '' } = {}) => {
  const body = JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' });
  return `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json\r\n` +
    `Content-Length: ${body.length}\r\n${extra}${close ? 'Connection: close\r\n' : ''}\r\n${body}`;
};

const responses = (text) => [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
const ids = (text) => [...text.matchAll(/"id":(\d+)/g)].map((m) => Number(m[1]));

describe('framing', () => {
  let s;
  before(async () => { s = await serve(['--anonymous-discovery', '--request-timeout', '1', '--trusted-proxies', '192.0.2.1']); });

  test('pipelined requests are all answered, in order', async () => {
    const two = await raw(s, ping(1) + ping(2, { close: true }));
    assert.deepEqual(responses(two), [200, 200]);
    assert.deepEqual(ids(two), [1, 2]);
    const many = Array.from({ length: 100 }, (_, i) => ping(i + 1, { close: i === 99 })).join('');
    const hundred = await raw(s, many);
    assert.deepEqual(responses(hundred), Array(100).fill(200));
    assert.deepEqual(ids(hundred), Array.from({ length: 100 }, (_, i) => i + 1));
  });

  test('pipelined requests over --tls-cert too, and the deadline holds there', async () => {
    const pki = makePki(dir);
    const t = await serve(['--anonymous-discovery', '--request-timeout', '1', '--tls-cert', pki.certFile, '--tls-key', pki.keyFile]);
    const ca = readFileSync(pki.caFile);
    const many = Array.from({ length: 20 }, (_, i) => ping(i + 1, { close: i === 19 })).join('');
    const out = await raw(t, many, { ca });
    assert.deepEqual(ids(out), Array.from({ length: 20 }, (_, i) => i + 1));
    const slowBody = ping(1).replace(/Content-Length: \d+/, 'Content-Length: 500');
    const started = Date.now();
    const slow = await raw(t, slowBody + ' '.repeat(500), { drip: 20, dripFrom: slowBody.indexOf('\r\n\r\n') + 4, ca });
    assert.deepEqual(responses(slow), [408]);
    assert.ok(Date.now() - started < 3000);
  });

  test('two different Content-Length values, two Authorization headers, CL with chunked: 400, connection closed', async () => {
    const dupLength = await raw(s, ping(1, { extra: 'Content-Length: 99\r\n' }) + ping(2));
    assert.deepEqual(responses(dupLength), [400]);
    const dupAuth = await raw(s, ping(1, { extra: `Authorization: Bearer ${SHAPED_KEY}\r\nAuthorization: Bearer ${SHAPED_KEY}x\r\n` }));
    assert.deepEqual(responses(dupAuth), [400]);
    const smuggle = await raw(s, ping(1, { extra: 'Transfer-Encoding: chunked\r\n' }));
    assert.deepEqual(responses(smuggle), [400]);
    assert.ok(await metric(s, 'framing') >= 3);
  });

  test('the access log prints only known methods and nothing of a mis-framed request', async () => {
    const fragment = 'q9XkEdgeFragment2LmN';
    const keyish = 'fini_EdgeLogCanary0123456789abcdef';
    await raw(s, `${fragment} /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    await raw(s, `${keyish} /${fragment} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    await raw(s, `GET /x${fragment}\r\n\r\n`);
    const text = s.stderrText();
    assert.ok(!text.includes(fragment), 'a request fragment reached the log');
    assert.ok(!text.includes(keyish), 'a key-shaped token reached the log');
    const methods = new Set(s.accessLog().map((l) => l.method));
    for (const m of methods) assert.ok(['GET', 'POST', 'INVALID'].includes(m), `logged method ${m}`);
    assert.ok(methods.has('INVALID'));
  });

  test('a slow client gets 408 (or the connection closed) at the request deadline', async () => {
    const started = Date.now();
    const head = await raw(s, 'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' + 'X-Pad: a\r\n'.repeat(40), { drip: 100 });
    const headMs = Date.now() - started;
    const bodyStart = Date.now();
    const slowBody = ping(1).replace(/Content-Length: \d+/, 'Content-Length: 500');
    const body = await raw(s, slowBody + ' '.repeat(500), { drip: 20, dripFrom: slowBody.indexOf('\r\n\r\n') + 4 });
    const bodyMs = Date.now() - bodyStart;
    assert.ok(headMs < 3000, `slow head held ${headMs} ms`);
    assert.ok(bodyMs < 3000, `slow body held ${bodyMs} ms`);
    assert.deepEqual(responses(body), [408]);
    assert.deepEqual(responses(head), [408]);
  });

  test('X-Forwarded-Proto counts only from a trusted proxy', async () => {
    const fromLoopback = await (await fetch(`http://${s.host}:${s.port}/.well-known/oauth-protected-resource/mcp`, { headers: { 'x-forwarded-proto': 'https' } })).json();
    assert.ok(fromLoopback.resource.startsWith('http://'), fromLoopback.resource);
    const trusted = await serve([]);  // default: loopback proxies trusted
    const viaProxy = await (await fetch(`http://${trusted.host}:${trusted.port}/.well-known/oauth-protected-resource/mcp`, { headers: { 'x-forwarded-proto': 'https' } })).json();
    assert.ok(viaProxy.resource.startsWith('https://'), viaProxy.resource);
  });

  test('OAuth endpoints: bodies bounded before they are parsed', async () => {
    const res = await new Promise((resolve) => {
      const req = http.request({ host: s.host, port: s.port, path: '/register', method: 'POST', agent: false, headers: { 'content-type': 'application/json' } });
      req.on('response', (r) => { r.resume(); resolve(r.statusCode); req.destroy(); });
      req.on('error', (e) => resolve(e.code));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let n = 0;
      const pump = () => { while (n < 256) { n++; if (!req.write(chunk)) { req.once('drain', pump); return; } } req.end(); };
      pump();
    });
    assert.ok(res === 413 || res === 'ECONNRESET' || res === 'EPIPE', `chunked /register: ${res}`);
    // A keyless body let through by --anonymous-discovery is small too.
    const keyless = await hostilePost(s, { body: `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"${'x'.repeat(100 * 1024)}"}}` });
    assert.equal(keyless.status ?? keyless.error, 413);
    assert.ok(await metric(s, 'body_too_large') >= 1);
  });
});
