// OAuth e2e: the OAuth 2.1 authorization server of `serve --http`, driven by the official TS
// SDK's own auth() (OAuthClientProvider) against fini-sim: discovery from the 401, dynamic
// registration and a client ID metadata document (served over https on loopback with a test CA),
// the sign-in page submitted as a browser would, tokens, calls returning the sandbox's data, a
// refresh after the access token expired; then each security case of the issue, and a canary
// key that must never appear in any output, page after submission, redirect or token.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { readFileSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { REPO, scratchDir, sleep } from './lib/env.mjs';
import { post, startHttpServer } from './lib/http.mjs';
import { resultText } from './lib/mcp.mjs';
import { startSim } from './lib/sim.mjs';
import { makePki } from './lib/tls.mjs';
import { CANARY_KEY, TestProvider, canaryFixtures, findLeak, newSecret, secretFile, signIn } from './lib/oauth.mjs';

const dir = scratchDir('oauth');
const servers = [];
const sims = [];
const seen = [];  // every page, redirect and token body the tests saw, for the leak check
let sim, srv, pki, secretA, secretB, cimd;

async function serve(args, opts = {}) {
  const s = await startHttpServer({ dir, args: ['--base-url', opts.base ?? sim.url, ...args], ...opts });
  s.stdout = '';
  s.child.stdout.on('data', (d) => { s.stdout += d; });
  servers.push(s);
  return s;
}

before(async () => {
  pki = makePki(dir);
  sim = await startSim({ dir, args: ['--fixtures', canaryFixtures(dir)] });
  sims.push(sim);
  secretA = secretFile(dir, [newSecret()]);
  secretB = secretFile(dir, [newSecret()]);
  srv = await serve(['--token-secret-file', secretA, '--access-token-ttl', '2', '--ca-file', pki.caFile, '--oauth-private-metadata-hosts']);
  // A client ID metadata document on https://127.0.0.1 (the test CA): what claude.ai publishes.
  const docs = new Map();
  const https = createServer({ cert: readFileSync(pki.certFile), key: readFileSync(pki.keyFile) }, (req, res) => {
    const doc = docs.get(req.url);
    if (!doc) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(doc));
  });
  await new Promise((r) => https.listen(0, '127.0.0.1', r));
  const base = `https://127.0.0.1:${https.address().port}`;
  cimd = { https, base, docs };
});

after(async () => {
  cimd?.https.close();
  for (const s of servers) {
    const { code } = await s.stop();
    assert.equal(code, 0, `fini-mcp exits 0 on SIGTERM (${s.stderrFile})`);
    const leak = findLeak(s.stderrText() + s.stdout, CANARY_KEY);
    assert.equal(leak, null, `the canary key (or an encoding of it) appeared in the output of ${s.stderrFile}`);
  }
  for (const s of sims) await s.stop();
  const leak = findLeak(seen.join('\n'), CANARY_KEY);
  assert.equal(leak, null, 'the canary key appeared in a page after submission, a redirect or a token');
});

function remember(result) {
  // Pages after the key was submitted, every redirect, every token answer.
  seen.push(...(result.pages ?? []).slice(1), result.location ?? '');
  return result;
}

async function connectWithOAuth(url, provider) {
  const t1 = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  await assert.rejects(new Client({ name: 'oauth-e2e', version: '0' }).connect(t1), UnauthorizedError);
  for (const s of provider.signIns) remember(s);
  assert.ok(provider.code, 'the sign-in redirected with a code');
  await t1.finishAuth(provider.code);
  seen.push(JSON.stringify(provider.tokenHistory));
  const client = new Client({ name: 'oauth-e2e', version: '0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
  return client;
}

// A complete sign-in by hand (register, authorize, token): { tokens, client_id, verifier, code }.
async function handFlow(server, { key = CANARY_KEY, redirect = 'http://127.0.0.1:1/cb', publicUrl } = {}) {
  const base = new URL(server.url).origin;
  const canonical = publicUrl ?? base;  // what the server calls itself (--public-url)
  const reg = await (await fetch(`${base}/register`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'hand', redirect_uris: [redirect], token_endpoint_auth_method: 'none' }) })).json();
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const q = new URLSearchParams({ response_type: 'code', client_id: reg.client_id, redirect_uri: redirect, code_challenge: challenge,
    code_challenge_method: 'S256', state: 'st-1', resource: `${canonical}/mcp`, scope: 'mcp' });
  const result = remember(await signIn(`${base}/authorize?${q}`, key, { tamper: publicUrl ? { origin: publicUrl } : {} }));
  const code = result.location ? new URL(result.location).searchParams.get('code') : null;
  return { base, client_id: reg.client_id, verifier, challenge, code, redirect, result, query: q };
}

async function tokenRequest(base, fields) {
  const r = await fetch(`${base}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
  const body = await r.json();
  seen.push(JSON.stringify(body));
  return { status: r.status, body, headers: r.headers };
}

const listAgents = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_agents', arguments: {} } };

describe('the SDK OAuth client against --http', () => {
  test('discovery: 401 with resource_metadata, protected resource and authorization server metadata', async () => {
    const r = await post(srv.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    assert.equal(r.status, 401);
    const base = new URL(srv.url).origin;
    assert.equal(r.headers.get('www-authenticate'), `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp", scope="mcp"`);
    const prm = await (await fetch(`${base}/.well-known/oauth-protected-resource/mcp`)).json();
    assert.deepEqual(prm.authorization_servers, [base]);
    assert.equal(prm.resource, `${base}/mcp`);
    assert.deepEqual(await (await fetch(`${base}/.well-known/oauth-protected-resource`)).json(), prm);
    const as = await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json();
    assert.equal(as.issuer, base);
    assert.deepEqual(as.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(as.token_endpoint_auth_methods_supported, ['none']);
    assert.deepEqual(as.grant_types_supported, ['authorization_code', 'refresh_token']);
    assert.equal(as.client_id_metadata_document_supported, true);
    assert.equal(as.registration_endpoint, `${base}/register`);
    const bad = await post(srv.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { authorization: 'Bearer fm1.nope.nope' });
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get('www-authenticate'), /^Bearer error="invalid_token", resource_metadata="/);
  });

  test('DCR: register, sign in, token, calls return the sandbox workspace; refresh after expiry', async (t) => {
    const provider = new TestProvider(CANARY_KEY);
    const client = await connectWithOAuth(srv.url, provider);
    try {
      assert.ok(provider.info.client_id.startsWith('fm1.'), 'a sealed (stateless) client id');
      const confirm = provider.signIns[0].confirmHtml;
      assert.match(confirm, /Support Agent/, 'the confirmation shows the workspace agents');
      const { tools } = await client.listTools();
      assert.ok(tools.length > 50);
      const r = await client.callTool({ name: 'list_agents', arguments: {} });
      assert.ok(!r.isError, resultText(r));
      assert.match(resultText(r), /Support Agent/);
      const before = provider.toks;
      // --access-token-ttl 2: wait out the access token, then the next call gets 401 and the
      // SDK refreshes (rotating the refresh token) and retries.
      await sleep(2200);
      const r2 = await client.callTool({ name: 'list_agents', arguments: {} });
      assert.match(resultText(r2), /Support Agent/);
      assert.notEqual(provider.toks.access_token, before.access_token, 'a new access token');
      assert.notEqual(provider.toks.refresh_token, before.refresh_token, 'the refresh token rotated');
      seen.push(JSON.stringify(provider.tokenHistory));
      const used = await tokenRequest(new URL(srv.url).origin, { grant_type: 'refresh_token', refresh_token: before.refresh_token, client_id: provider.info.client_id });
      assert.equal(used.status, 400);
      assert.equal(used.body.error, 'invalid_grant', 'a used refresh token is refused on this replica');
      t.diagnostic(`tokens issued: ${provider.tokenHistory.length}`);
    } finally {
      await client.close();
    }
  });

  test('CIMD: an https client_id whose metadata document the server fetches', async () => {
    const url = `${cimd.base}/oauth/client.json`;
    const redirect = 'http://127.0.0.1:1/cimd-callback';
    cimd.docs.set('/oauth/client.json', { client_id: url, client_name: 'CIMD e2e', redirect_uris: [redirect], token_endpoint_auth_method: 'none' });
    const provider = new TestProvider(CANARY_KEY, { clientMetadataUrl: url, redirectUrl: redirect });
    const client = await connectWithOAuth(srv.url, provider);
    try {
      assert.equal(provider.info.client_id, url);
      assert.match(provider.signIns[0].pages[0], /CIMD e2e/);
      assert.match(resultText(await client.callTool({ name: 'list_agents', arguments: {} })), /Support Agent/);
    } finally {
      await client.close();
    }
    // A document whose client_id is not its URL, or which lacks the redirect URI: refused, no redirect.
    cimd.docs.set('/oauth/liar.json', { client_id: `${cimd.base}/other`, client_name: 'liar', redirect_uris: [redirect] });
    const q = new URLSearchParams({ response_type: 'code', client_id: `${cimd.base}/oauth/liar.json`, redirect_uri: redirect,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
    const liar = await fetch(`${new URL(srv.url).origin}/authorize?${q}`, { redirect: 'manual' });
    assert.equal(liar.status, 400);
    assert.equal(liar.headers.get('location'), null);
    // A document over the size limit (64 KiB) is refused too.
    cimd.docs.set('/oauth/huge.json', { client_id: `${cimd.base}/oauth/huge.json`, client_name: 'x'.repeat(70000), redirect_uris: [redirect] });
    q.set('client_id', `${cimd.base}/oauth/huge.json`);
    const huge = await fetch(`${new URL(srv.url).origin}/authorize?${q}`, { redirect: 'manual' });
    assert.equal(huge.status, 400);
    assert.match(await huge.text(), /too large/);
    q.set('client_id', url);
    q.set('redirect_uri', 'http://127.0.0.1:2/not-registered');
    const wrong = await fetch(`${new URL(srv.url).origin}/authorize?${q}`, { redirect: 'manual' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.headers.get('location'), null);
  });

  test('the sign-in page: headers, password field, CSP allowing the redirect origin', async () => {
    const f = await handFlow(srv);
    const h = f.result.firstHeaders;
    assert.equal(h.get('cache-control'), 'no-store');
    assert.match(h.get('content-security-policy'), /frame-ancestors 'none'/);
    assert.match(h.get('content-security-policy'), /form-action 'self' http:\/\/127\.0\.0\.1:1;/);
    assert.equal(h.get('x-frame-options'), 'DENY');
    assert.match(f.result.pages[0], /<input type="password" id="key" name="key"/);
    assert.doesNotMatch(f.query.toString(), /fini_/);
    const loc = new URL(f.result.location);
    assert.equal(loc.searchParams.get('state'), 'st-1');
    assert.equal(loc.searchParams.get('iss'), f.base);
    assert.equal(f.result.status, 303);
  });
});

describe('security', () => {
  test('wrong verifier, reused code, redirect_uri mismatch at the token endpoint', async () => {
    const f = await handFlow(srv);
    const fields = { grant_type: 'authorization_code', code: f.code, client_id: f.client_id, redirect_uri: f.redirect, resource: `${f.base}/mcp` };
    const wrong = await tokenRequest(f.base, { ...fields, code_verifier: randomBytes(32).toString('base64url') });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'invalid_grant');
    const mismatch = await tokenRequest(f.base, { ...fields, code_verifier: f.verifier, redirect_uri: 'http://127.0.0.1:1/other' });
    assert.equal(mismatch.body.error, 'invalid_grant');
    const ok = await tokenRequest(f.base, { ...fields, code_verifier: f.verifier });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    const again = await tokenRequest(f.base, { ...fields, code_verifier: f.verifier });
    assert.equal(again.status, 400);
    assert.equal(again.body.error, 'invalid_grant');
    assert.match(again.body.error_description, /already used/);
    // A code used twice may have been stolen: the tokens issued for it are revoked (RFC 6749 §4.1.2).
    const r = await post(srv.url, listAgents, { authorization: `Bearer ${ok.body.access_token}` });
    assert.equal(r.status, 401);
    assert.match(r.headers.get('www-authenticate'), /error="invalid_token"/);
    const refreshed = await tokenRequest(f.base, { grant_type: 'refresh_token', refresh_token: ok.body.refresh_token, client_id: f.client_id });
    assert.equal(refreshed.body.error, 'invalid_grant');
  });

  test('an expired code is refused', async () => {
    const s = await serve(['--token-secret-file', secretA, '--auth-code-ttl', '1']);
    const f = await handFlow(s);
    await sleep(1100);  // the code's lifetime (1 s) runs out
    const r = await tokenRequest(f.base, { grant_type: 'authorization_code', code: f.code, client_id: f.client_id, redirect_uri: f.redirect, code_verifier: f.verifier });
    assert.equal(r.body.error, 'invalid_grant');
    assert.match(r.body.error_description, /expired/);
  });

  test('open redirect: an unknown client or an unregistered redirect_uri gets a page, never a redirect', async () => {
    const f = await handFlow(srv);
    for (const [name, value] of [['redirect_uri', 'https://evil.example/cb'], ['client_id', 'unknown-client'], ['client_id', `${f.client_id}x`]]) {
      const q = new URLSearchParams(f.query);
      q.set(name, value);
      const r = await fetch(`${f.base}/authorize?${q}`, { redirect: 'manual' });
      assert.equal(r.status, 400, `${name}=${value}`);
      assert.equal(r.headers.get('location'), null);
      assert.doesNotMatch(await r.text(), /evil\.example/);
    }
    // Registration refuses a non-loopback http redirect URI.
    const reg = await fetch(`${f.base}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: ['http://evil.example/cb'] }) });
    assert.equal(reg.status, 400);
    assert.equal((await reg.json()).error, 'invalid_redirect_uri');
    // Errors after the client is known go back to it: PKCE missing, another resource.
    const q = new URLSearchParams(f.query);
    q.delete('code_challenge');
    const noPkce = await fetch(`${f.base}/authorize?${q}`, { redirect: 'manual' });
    assert.equal(noPkce.status, 303);
    assert.equal(new URL(noPkce.headers.get('location')).searchParams.get('error'), 'invalid_request');
    const q2 = new URLSearchParams(f.query);
    q2.set('resource', 'https://other.example/mcp');
    const target = await fetch(`${f.base}/authorize?${q2}`, { redirect: 'manual' });
    assert.equal(new URL(target.headers.get('location')).searchParams.get('error'), 'invalid_target');
  });

  test('missing CSRF cookie and a foreign Origin on the form are refused', async () => {
    const f = await handFlow(srv);
    const authorize = `${f.base}/authorize?${f.query}`;
    const noCookie = await signIn(authorize, CANARY_KEY, { tamper: { cookie: '' } });
    assert.equal(noCookie.status, 403);
    assert.equal(noCookie.location, null);
    const otherCookie = await signIn(authorize, CANARY_KEY, { tamper: { cookie: 'fini_signin=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    assert.equal(otherCookie.status, 403);
    const foreign = await signIn(authorize, CANARY_KEY, { tamper: { origin: 'https://evil.example' } });
    assert.equal(foreign.status, 403);
    const none = await signIn(authorize, CANARY_KEY, { tamper: { origin: '' } });
    assert.equal(none.status, 403);
    seen.push(...noCookie.pages.slice(1), ...foreign.pages.slice(1));
  });

  test('a wrong key stays on the page with Fini\'s verdict; no code', async () => {
    const f = await handFlow(srv, { key: 'fini_sandbox_acme_revoked_77aa01' });
    assert.equal(f.code, null);
    assert.equal(f.result.status, 400);
    assert.match(f.result.pages[1], /Fini rejected this key/);
    assert.doesNotMatch(f.result.pages[1], /fini_sandbox_acme_revoked/);
  });

  test('tampered, expired and other-audience tokens get 401 invalid_token', async () => {
    const f = await handFlow(srv);
    const ok = await tokenRequest(f.base, { grant_type: 'authorization_code', code: f.code, client_id: f.client_id, redirect_uri: f.redirect, code_verifier: f.verifier });
    const at = ok.body.access_token;
    const flip = at.slice(0, -6) + (at.at(-6) === 'A' ? 'B' : 'A') + at.slice(-5);
    const tampered = await post(srv.url, listAgents, { authorization: `Bearer ${flip}` });
    assert.equal(tampered.status, 401);
    assert.match(tampered.headers.get('www-authenticate'), /error="invalid_token"/);
    // Same secret, another server URL (another port): the audience differs.
    const other = await serve(['--token-secret-file', secretA]);
    const aud = await post(other.url, listAgents, { authorization: `Bearer ${at}` });
    assert.equal(aud.status, 401);
    assert.match(aud.headers.get('www-authenticate'), /error="invalid_token"/);
    await sleep(2100);  // --access-token-ttl 2
    const expired = await post(srv.url, listAgents, { authorization: `Bearer ${at}` });
    assert.equal(expired.status, 401);
    assert.match(expired.headers.get('www-authenticate'), /error="invalid_token", resource_metadata=/);
  });

  test('Cancel on the confirmation returns access_denied to the client; no code', async () => {
    const f = await handFlow(srv);
    const denied = remember(await signIn(`${f.base}/authorize?${f.query}`, CANARY_KEY, { decision: 'deny' }));
    assert.equal(denied.status, 303);
    const loc = new URL(denied.location);
    assert.equal(loc.searchParams.get('error'), 'access_denied');
    assert.equal(loc.searchParams.get('state'), 'st-1');
    assert.equal(loc.searchParams.get('code'), null);
  });

  test('a client naming itself with HTTP Basic at the token endpoint is served (its secret ignored)', async () => {
    const f = await handFlow(srv);
    const r = await fetch(`${f.base}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(f.client_id)}:ignored`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: f.code, redirect_uri: f.redirect, code_verifier: f.verifier }) });
    const body = await r.json();
    seen.push(JSON.stringify(body));
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.ok(body.access_token);
  });

  test('the token form is read strictly: an identical repeat is refused, a malformed %-escape reads as no form', async () => {
    const f = await handFlow(srv);
    const post = async (body) => {
      const r = await fetch(`${f.base}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      const json = await r.json();
      seen.push(JSON.stringify(json));
      return { status: r.status, body: json };
    };
    const fields = new URLSearchParams({ grant_type: 'authorization_code', code: f.code, redirect_uri: f.redirect, code_verifier: f.verifier });
    const id = encodeURIComponent(f.client_id);
    const twice = await post(`${fields}&client_id=${id}&client_id=${id}`);
    assert.equal(twice.status, 400);
    assert.equal(twice.body.error, 'invalid_request');
    const malformed = await post(`${fields}&client_id=${id}&state=%zz`);
    assert.equal(malformed.status, 401);
    assert.equal(malformed.body.error, 'invalid_client');
    // Neither spent the code: the well-formed request still redeems it.
    const ok = await post(`${fields}&client_id=${id}`);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  test('unknown client at the token endpoint: 401 invalid_client', async () => {
    const base = new URL(srv.url).origin;
    const r = await tokenRequest(base, { grant_type: 'authorization_code', code: 'x', client_id: 'fm1.zzzzzzzz.AAAA', redirect_uri: 'http://127.0.0.1:1/cb', code_verifier: 'x' });
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'invalid_client');
  });

  test('secret files: another secret refuses the token; a ring with the old secret second accepts it', async () => {
    const publicUrl = 'http://127.0.0.1:9';  // one audience for the three servers
    const a = await serve(['--token-secret-file', secretA, '--public-url', publicUrl]);
    const f = await handFlow({ url: a.url }, { publicUrl });
    const tok = await tokenRequest(new URL(a.url).origin, { grant_type: 'authorization_code', code: f.code, client_id: f.client_id, redirect_uri: f.redirect, code_verifier: f.verifier });
    assert.equal(tok.status, 200, JSON.stringify(tok.body));
    const at = tok.body.access_token;
    const b = await serve(['--token-secret-file', secretB, '--public-url', publicUrl]);
    const refused = await post(b.url, listAgents, { authorization: `Bearer ${at}` });
    assert.equal(refused.status, 401);
    const rotated = secretFile(dir, [readFileSync(secretB, 'utf8').split('\n')[1], readFileSync(secretA, 'utf8').split('\n')[1]]);
    const c = await serve(['--token-secret-file', rotated, '--public-url', publicUrl]);
    const accepted = await post(c.url, listAgents, { authorization: `Bearer ${at}` });
    assert.equal(accepted.status, 200);
    assert.match(accepted.text, /Support Agent/);
    // A client registered under the old secret is still known after rotation, unknown without it.
    const known = await tokenRequest(new URL(c.url).origin, { grant_type: 'refresh_token', refresh_token: tok.body.refresh_token, client_id: f.client_id });
    assert.equal(known.status, 200);
    const unknown = await tokenRequest(new URL(b.url).origin, { grant_type: 'refresh_token', refresh_token: tok.body.refresh_token, client_id: f.client_id });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error, 'invalid_client');
  });

  test('Fini refusing the key inside a token: /mcp answers 401 so the client signs in again', async () => {
    const publicUrl = 'http://127.0.0.1:9';
    const revokedSim = await startSim({ dir, args: ['--fixtures', canaryFixtures(dir, { revoked: true })] });
    sims.push(revokedSim);
    const a = await serve(['--token-secret-file', secretA, '--public-url', publicUrl]);
    const f = await handFlow({ url: a.url }, { publicUrl });
    const tok = await tokenRequest(new URL(a.url).origin, { grant_type: 'authorization_code', code: f.code, client_id: f.client_id, redirect_uri: f.redirect, code_verifier: f.verifier });
    const b = await serve(['--token-secret-file', secretA, '--public-url', publicUrl], { base: revokedSim.url });
    const r = await post(b.url, listAgents, { authorization: `Bearer ${tok.body.access_token}` });
    assert.equal(r.status, 401);
    assert.equal(r.headers.get('www-authenticate'), `Bearer error="invalid_token", resource_metadata="${publicUrl}/.well-known/oauth-protected-resource/mcp", scope="mcp"`);
    assert.equal(r.json.error.code, -32001);
    // A raw key keeps its old behaviour: the tool result explains the refusal.
    const raw = await post(b.url, listAgents, { authorization: `Bearer ${CANARY_KEY}` });
    assert.equal(raw.status, 200);
    assert.match(raw.text, /401/);
  });

  test('--public-url is normalised to the origin browsers send; no secret file → a warning', async () => {
    const s = await serve(['--public-url', 'https://mcp.example.com:443/']);
    const as = await (await fetch(`${new URL(s.url).origin}/.well-known/oauth-authorization-server`)).json();
    assert.equal(as.issuer, 'https://mcp.example.com');
    assert.equal(as.token_endpoint, 'https://mcp.example.com/token');
    assert.match(s.stderrText(), /no --token-secret-file: OAuth sign-ins are sealed with a secret made for this process only/);
    assert.doesNotMatch(srv.stderrText(), /no --token-secret-file/);
  });

  test('raw Bearer fini_ keys keep working next to OAuth', async () => {
    const r = await post(srv.url, listAgents, { authorization: `Bearer ${CANARY_KEY}` });
    assert.equal(r.status, 200);
    assert.match(r.text, /Support Agent/);
  });
});

// The README's commands for the secret file, run as written (in a scratch folder for /etc/fini-mcp).
function readmeBlock(marker) {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const at = readme.indexOf(`<!-- test: ${marker} -->`);
  assert.ok(at >= 0, `README marker ${marker}`);
  const block = readme.slice(at).match(/```sh\n([\s\S]*?)```/)[1];
  return block.split('\n').filter((l) => l && !l.startsWith('cd /etc/fini-mcp')).join('\n');
}

describe('README: deploy with a secret file, rotate it, retire the old secret', () => {
  test('the README commands create, rotate and retire the secret as documented', async () => {
    const etc = scratchDir('etc-fini-mcp');
    const run = (marker) => execFileSync('bash', ['-euc', readmeBlock(marker)], { cwd: etc, stdio: ['ignore', 'pipe', 'pipe'] });
    const file = join(etc, 'token-secret');
    const lines = () => readFileSync(file, 'utf8').trim().split('\n');
    run('oauth-secret-create');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(lines().length, 1);
    // The README's serve command, on a free port, against the sandbox.
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const serveLine = readme.match(/fini-mcp serve --http 127\.0\.0\.1:8081 (--public-url \S+) \\\n\s+(--token-secret-file \S+)/);
    assert.ok(serveLine, 'the README serve command');
    const publicUrl = 'http://127.0.0.1:9';  // stands for the README's https://mcp.example.com
    const args = ['--public-url', publicUrl, '--token-secret-file', file];
    assert.equal(serveLine[1].split(' ')[0], args[0]);
    assert.equal(serveLine[2].split(' ')[0], args[2]);
    const first = await serve(args);
    const f1 = await handFlow({ url: first.url }, { publicUrl });
    const t1 = await tokenRequest(new URL(first.url).origin, { grant_type: 'authorization_code', code: f1.code, client_id: f1.client_id, redirect_uri: f1.redirect, code_verifier: f1.verifier });
    assert.equal(t1.status, 200);

    run('oauth-secret-rotate');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(lines().length, 2);
    const second = await serve(args);
    assert.equal((await post(second.url, listAgents, { authorization: `Bearer ${t1.body.access_token}` })).status, 200, 'an old token still opens after rotation');
    const f2 = await handFlow({ url: second.url }, { publicUrl });
    const t2 = await tokenRequest(new URL(second.url).origin, { grant_type: 'authorization_code', code: f2.code, client_id: f2.client_id, redirect_uri: f2.redirect, code_verifier: f2.verifier });
    assert.equal(t2.status, 200);

    run('oauth-secret-retire');
    assert.equal(lines().length, 1);
    const third = await serve(args);
    assert.equal((await post(third.url, listAgents, { authorization: `Bearer ${t1.body.access_token}` })).status, 401, 'the retired secret no longer opens');
    assert.equal((await post(third.url, listAgents, { authorization: `Bearer ${t2.body.access_token}` })).status, 200, 'the new secret does');
  });
});
