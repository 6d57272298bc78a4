// Corporate networks: fini-mcp reaches Fini through an HTTP CONNECT proxy (HTTPS_PROXY or
// --proxy), goes direct for NO_PROXY hosts, and names the proxy when it fails. The proxy is
// written here (node on loopback) and records every CONNECT; the sandbox serves TLS behind it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, connect as tcpConnect } from 'node:net';
import { KEYS, MCP_BIN, childEnv, sanitizerReport, scratchDir } from './lib/env.mjs';
import { startSim } from './lib/sim.mjs';
import { makePki } from './lib/tls.mjs';

const PASSWORD = 'pr0xy-s3cret';
let dir, pki, sim;

// A CONNECT-only proxy. requireAuth: answers 407 unless Proxy-Authorization carries it.
function startProxy({ requireAuth = null } = {}) {
  const seen = [];
  const server = createServer((client) => {
    let head = Buffer.alloc(0);
    const onData = (chunk) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      const [method, target] = lines[0].split(' ');
      const auth = lines.find((l) => /^proxy-authorization:/i.test(l))?.replace(/^[^:]*:\s*/, '') ?? null;
      seen.push({ method, target, auth });
      if (method !== 'CONNECT') { client.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n'); return; }
      if (requireAuth && auth !== `Basic ${Buffer.from(requireAuth).toString('base64')}`) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
      const upstream = tcpConnect(port, host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        const rest = head.subarray(end + 4);
        if (rest.length) upstream.write(rest);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    };
    client.on('data', onData);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ port: server.address().port, seen, close: () => new Promise((r) => { server.close(r); server.closeAllConnections?.(); }) });
  }));
}

// A loopback port with nothing listening (bound, read, closed).
async function closedPort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

// `fini-mcp call list_agents` against the TLS sandbox; never throws on a non-zero exit.
function callAgents(env, extra = []) {
  const args = ['--log-level', 'debug', 'call', 'list_agents', '--base-url', sim.url, '--ca-file', pki.caFile, ...extra];
  return new Promise((resolve) => {
    execFile(MCP_BIN, args, { env: childEnv({ FINI_API_KEY: KEYS.read, ...env }), timeout: 60000 }, (error, stdout, stderr) => {
      assert.equal(sanitizerReport(stderr), null, stderr);
      const all = `${stdout}${stderr}`;
      assert.ok(!all.includes(KEYS.read), 'the key is never printed');
      assert.ok(!all.includes(PASSWORD), 'the proxy password is never printed');
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

before(async () => {
  dir = scratchDir('proxy');
  pki = makePki(dir);
  sim = await startSim({ dir, pki });
});
after(async () => { await sim?.stop(); });

const target = () => `127.0.0.1:${sim.port}`;

test('HTTPS_PROXY: the call tunnels through the proxy to the TLS sandbox', async () => {
  const proxy = await startProxy();
  try {
    const mark = sim.mark();
    const r = await callAgents({ HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"agents"/);
    assert.ok(proxy.seen.length >= 1, 'the proxy saw the connection');
    assert.ok(proxy.seen.every((s) => s.method === 'CONNECT' && s.target === target()), JSON.stringify(proxy.seen));
    assert.ok((await sim.since(mark)).some((e) => e.operationId === 'listAgents'));
    assert.match(r.stderr, new RegExp(`go through proxy http://127\\.0\\.0\\.1:${proxy.port} \\(HTTPS_PROXY\\)`));
  } finally { await proxy.close(); }
});

test('--proxy with credentials: Basic auth on the CONNECT only, the password never shown', async () => {
  const proxy = await startProxy({ requireAuth: `alice:${PASSWORD}` });
  try {
    const r = await callAgents({ https_proxy: 'http://127.0.0.1:1' }, ['--proxy', `http://alice:${PASSWORD}@127.0.0.1:${proxy.port}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(proxy.seen.length >= 1 && proxy.seen.every((s) => s.method === 'CONNECT'), JSON.stringify(proxy.seen));
    assert.match(r.stderr, /\(--proxy\)/);
  } finally { await proxy.close(); }
});

test('a proxy that wants credentials: the error names the proxy and says what to do', async () => {
  const proxy = await startProxy({ requireAuth: `alice:${PASSWORD}` });
  try {
    const r = await callAgents({ HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`through proxy http://127\\.0\\.0\\.1:${proxy.port} \\(HTTPS_PROXY\\): the proxy answered 407 Proxy Authentication Required; put the credentials in the proxy URL`));
  } finally { await proxy.close(); }
});

test('NO_PROXY covering the host: direct, the proxy sees nothing', async () => {
  const proxy = await startProxy();
  try {
    const r = await callAgents({ HTTPS_PROXY: `http://127.0.0.1:${proxy.port}`, NO_PROXY: 'localhost,127.0.0.1' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(proxy.seen, []);
  } finally { await proxy.close(); }
});

test('a proxy that is down: the error names the proxy, not a DNS failure of Fini', async () => {
  const port = await closedPort();
  const r = await callAgents({ HTTPS_PROXY: `http://bob:${PASSWORD}@127.0.0.1:${port}` });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, new RegExp(`could not connect to proxy http://127\\.0\\.0\\.1:${port} \\(HTTPS_PROXY\\): connection refused`));
  assert.doesNotMatch(r.stderr, /resolve host/);
});

test('an unusable proxy URL is refused at start, naming where it came from', async () => {
  const r = await callAgents({ HTTPS_PROXY: `socks5://bob:${PASSWORD}@127.0.0.1:1080` });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /the proxy URL from HTTPS_PROXY uses socks5:\/\/; only http:\/\/ proxies are supported/);
});
