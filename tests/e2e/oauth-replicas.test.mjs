// OAuth across replicas: two fini-mcp --http replicas behind Debian's nginx (the deploy/ proxy
// settings, round-robin) sharing one --token-secret-file and --public-url: a sign-in started on
// one replica is finished on the other, its code redeemed on either, and the token works on
// both; then the SDK's own OAuth client does the whole flow through nginx.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { REPO, scratchDir, sleep } from './lib/env.mjs';
import { post, startHttpServer } from './lib/http.mjs';
import { resultText } from './lib/mcp.mjs';
import { startSim } from './lib/sim.mjs';
import { CANARY_KEY, TestProvider, canaryFixtures, findLeak, newSecret, secretFile, signIn } from './lib/oauth.mjs';

const NGINX = process.env.NGINX_BIN || '/usr/sbin/nginx';
const dir = scratchDir('oauth-replicas');
const freePort = () => new Promise((r) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
let sim, replicas = [], nginx, nginxExit, publicUrl;

before(async () => {
  sim = await startSim({ dir, args: ['--fixtures', canaryFixtures(dir)] });
  const nginxPort = await freePort();
  publicUrl = `http://127.0.0.1:${nginxPort}`;
  const secret = secretFile(dir, [newSecret()]);
  for (let i = 0; i < 2; i++) {
    replicas.push(await startHttpServer({ dir, args: ['--base-url', sim.url, '--token-secret-file', secret, '--public-url', publicUrl] }));
  }
  const ng = join(dir, 'nginx');
  mkdirSync(ng, { recursive: true });
  const inc = (f) => join(REPO, 'deploy/nginx', f);
  writeFileSync(join(ng, 'nginx.conf'), `daemon off;
worker_processes 1;
pid ${ng}/nginx.pid;
error_log ${ng}/error.log warn;
events { worker_connections 256; }
http {
  log_format oauth '$remote_addr "$request_method $uri" $status $upstream_addr';
  access_log ${ng}/access.log oauth;
  client_body_temp_path ${ng}/body; proxy_temp_path ${ng}/proxy;
  fastcgi_temp_path ${ng}/fcgi; uwsgi_temp_path ${ng}/uwsgi; scgi_temp_path ${ng}/scgi;
  upstream fini_mcp {
${replicas.map((r) => `    server ${new URL(r.url).host};`).join('\n')}
    keepalive 16;
  }
  upstream fini_mcp_again {
${replicas.map((r) => `    server ${new URL(r.url).host};`).join('\n')}
  }
  server {
    listen 127.0.0.1:${nginxPort};
    include ${inc('mcp-proxy.conf')};
    location /.well-known/ { proxy_pass http://fini_mcp; include ${inc('oauth-proxy.conf')}; }
    location ~ ^/(authorize|token|register)$ { proxy_pass http://fini_mcp; include ${inc('oauth-proxy.conf')}; }
    location = /healthz { proxy_pass http://fini_mcp; }
  }
}
`);
  assert.ok(existsSync(NGINX), `nginx not found at ${NGINX} (apt-get install nginx, or set NGINX_BIN)`);
  nginx = spawn(NGINX, ['-c', join(ng, 'nginx.conf'), '-p', ng], { stdio: ['ignore', 'ignore', 'inherit'] });
  nginxExit = new Promise((r) => nginx.once('exit', r));
  for (let i = 0; i < 400; i++) {
    try { if ((await fetch(`${publicUrl}/healthz`)).ok) break; } catch { /* not listening yet */ }
    await sleep(25);
  }
});

after(async () => {
  nginx?.kill('SIGTERM');
  await nginxExit;
  for (const r of replicas) {
    await r.stop();
    assert.equal(findLeak(r.stderrText(), CANARY_KEY), null, 'the canary key appeared in a replica log');
  }
  const log = join(dir, 'nginx', 'access.log');
  if (existsSync(log)) assert.equal(findLeak(readFileSync(log, 'utf8'), CANARY_KEY), null, 'the canary key appeared in the nginx access log');
  await sim.stop();
});

const listAgents = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_agents', arguments: {} } };

test('sign-in on replica 1, confirmation on replica 2, code redeemed on replica 2, token accepted by both', async () => {
  const [r1, r2] = replicas.map((r) => new URL(r.url).origin);
  const redirect = 'http://127.0.0.1:1/cb';
  const reg = await (await fetch(`${r1}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [redirect] }) })).json();
  const verifier = randomBytes(32).toString('base64url');
  const q = new URLSearchParams({ response_type: 'code', client_id: reg.client_id, redirect_uri: redirect, state: 's',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', resource: `${publicUrl}/mcp` });
  // The page comes from replica 1; the browser's POSTs go to replica 2 (as a proxy may send them).
  const page = await fetch(`${r1}/authorize?${q}`);
  const html = await page.text();
  const cookie = page.headers.get('set-cookie').split(';')[0];
  const form = (fields) => fetch(`${r2}/authorize`, { method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: publicUrl }, body: new URLSearchParams(fields) });
  const request = html.match(/name="request" value="([^"]*)"/)[1];
  const confirm = await (await form({ request, key: CANARY_KEY })).text();
  assert.match(confirm, /Support Agent/);
  const done = await form({ pending: confirm.match(/name="pending" value="([^"]*)"/)[1], decision: 'allow' });
  assert.equal(done.status, 303);
  const code = new URL(done.headers.get('location')).searchParams.get('code');
  const tok = await (await fetch(`${r2}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: reg.client_id, redirect_uri: redirect, code_verifier: verifier }) })).json();
  assert.ok(tok.access_token, JSON.stringify(tok).slice(0, 200));
  for (const r of replicas) {
    const res = await post(r.url, listAgents, { authorization: `Bearer ${tok.access_token}` });
    assert.equal(res.status, 200, r.url);
    assert.match(res.text, /Support Agent/);
  }
  // The refresh token, minted by replica 2, is honoured by replica 1.
  const refreshed = await (await fetch(`${r1}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tok.refresh_token, client_id: reg.client_id }) })).json();
  assert.ok(refreshed.access_token);
});

test('the SDK OAuth client through nginx: discovery, DCR, sign-in, token, calls served by both replicas', async () => {
  const provider = new TestProvider(CANARY_KEY);
  const mcpUrl = new URL(`${publicUrl}/mcp`);
  const t1 = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
  await assert.rejects(new Client({ name: 'replicas', version: '0' }).connect(t1), UnauthorizedError);
  await t1.finishAuth(provider.code);
  const client = new Client({ name: 'replicas', version: '0' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
  const before = replicas.map((r) => r.accessLog().filter((l) => l.rpc === 'tools/call').length);
  for (let i = 0; i < 6; i++) assert.match(resultText(await client.callTool({ name: 'list_agents', arguments: {} })), /Support Agent/);
  const served = replicas.map((r, i) => r.accessLog().filter((l) => l.rpc === 'tools/call').length - before[i]);
  assert.ok(served.every((n) => n > 0), `both replicas served calls (${served.join('/')})`);
  await client.close();
  // The OAuth steps went through nginx and reached both replicas.
  const oauthHits = replicas.map((r) => r.accessLog().filter((l) => ['/authorize', '/token', '/register'].includes(l.path)).length);
  assert.ok(oauthHits.every((n) => n > 0), `both replicas took part in the sign-in (${oauthHits.join('/')})`);
});
