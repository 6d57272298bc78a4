// OAuth in a browser: the sign-in page in a real browser. Headless Chromium (Debian's
// `chromium`, driven by puppeteer-core) opens the authorize URL, types the canary key into the
// password field, confirms the workspace and lands on the client's redirect URI with a code,
// which then buys a token that calls the sandbox. Run twice: on plain loopback http, and over
// https (--tls-cert, a test CA; the __Host- Secure cookie path). A screenshot of each step is
// kept under tests/e2e/.out/artifacts/oauth-browser/. Skips (saying why) only when no Chromium
// is installed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import puppeteer from 'puppeteer-core';
import { E2E_DIR, scratchDir } from './lib/env.mjs';
import { startHttpServer } from './lib/http.mjs';
import { startSim } from './lib/sim.mjs';
import { makePki } from './lib/tls.mjs';
import { CANARY_KEY, canaryFixtures, findLeak, newSecret, secretFile } from './lib/oauth.mjs';

const CHROMIUM = process.env.CHROMIUM_BIN ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const ARTIFACTS = join(E2E_DIR, '.out', 'artifacts', 'oauth-browser');
const skip = CHROMIUM ? false : 'no chromium binary (apt-get install chromium; it is in the Makefile APT_PACKAGES)';
const dir = scratchDir('oauth-browser');
const servers = [];
let sim, plain, tls, pki, callback, browser;
const arrivals = [];

before(async () => {
  if (!CHROMIUM) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  pki = makePki(dir);
  sim = await startSim({ dir, args: ['--fixtures', canaryFixtures(dir)] });
  const secret = secretFile(dir, [newSecret()]);
  plain = await startHttpServer({ dir, args: ['--base-url', sim.url, '--token-secret-file', secret] });
  tls = await startHttpServer({ dir, args: ['--base-url', sim.url, '--token-secret-file', secret, '--tls-cert', pki.certFile, '--tls-key', pki.keyFile] });
  servers.push(plain, tls);
  // The client's redirect URI: a loopback page that records what the browser brought.
  callback = createServer((req, res) => {
    const u = new URL(req.url, 'http://127.0.0.1');
    if (u.pathname === '/callback') arrivals.push(u);  // not /favicon.ico
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>Back in the app</title><h1 id="done">Signed in: back in the application</h1>');
  });
  await new Promise((r) => callback.listen(0, '127.0.0.1', r));
  // The test CA is not in Chromium's store: accept the test certificate for this run only.
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, acceptInsecureCerts: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
});

after(async () => {
  await browser?.close();
  callback?.close();
  for (const s of servers) {
    await s.stop();
    assert.equal(findLeak(s.stderrText(), CANARY_KEY), null, 'the canary key appeared in the server output');
  }
  await sim?.stop();
});

// fetch for the test's own requests (http, or https trusting the test CA).
function call(url, { method = 'GET', headers = {}, body } = {}) {
  if (!url.startsWith('https:')) return fetch(url, { method, headers, body }).then(async (r) => ({ status: r.status, text: await r.text() }));
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, ca: readFileSync(pki.caFile) }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function browserSignIn(t, server, label) {
  const base = new URL(server.url).origin;
  const redirect = `http://127.0.0.1:${callback.address().port}/callback`;
  const reg = JSON.parse((await call(`${base}/register`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'Browser e2e client', redirect_uris: [redirect] }) })).text);
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const q = new URLSearchParams({ response_type: 'code', client_id: reg.client_id, redirect_uri: redirect, state, scope: 'mcp',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', resource: `${base}/mcp` });
  const page = await browser.newPage();
  const urls = [];
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) urls.push(f.url()); });
  const shot = async (name) => { const path = join(ARTIFACTS, `${label}-${name}`); await page.screenshot({ path, fullPage: true }); t.diagnostic(`screenshot ${path}`); };
  const seenBefore = arrivals.length;

  await page.goto(`${base}/authorize?${q}`, { waitUntil: 'load' });
  await shot('1-sign-in.png');
  const text1 = await page.evaluate(() => document.body.innerText);
  assert.match(text1, /Sign in to Fini/);
  assert.match(text1, /Browser e2e client/);
  assert.match(text1, /127\.0\.0\.1/);
  assert.match(text1, /Fini API key/);
  assert.equal(await page.$eval('#key', (el) => el.type), 'password');
  const cookies = await page.cookies();
  assert.equal(cookies.length, 1);
  assert.equal(cookies[0].name, base.startsWith('https:') ? '__Host-fini_signin' : 'fini_signin');
  assert.equal(cookies[0].httpOnly, true);
  assert.equal(cookies[0].secure, base.startsWith('https:'));

  await page.type('#key', CANARY_KEY);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#continue')]);
  await shot('2-confirm.png');
  const text2 = await page.evaluate(() => document.body.innerText);
  assert.match(text2, /Connect this Fini workspace\?/);
  assert.match(text2, /Support Agent/);
  assert.equal(findLeak(await page.content(), CANARY_KEY), null, 'the key is not in the confirmation page');

  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#allow')]);
  await shot('3-redirected.png');
  assert.match(await page.evaluate(() => document.body.innerText), /back in the application/);
  assert.equal(arrivals.length, seenBefore + 1);
  const back = arrivals.at(-1);
  const code = back.searchParams.get('code');
  assert.ok(code, 'the redirect carries a code');
  assert.equal(back.searchParams.get('state'), state);
  assert.equal(back.searchParams.get('iss'), base);
  for (const u of urls) assert.equal(findLeak(u, CANARY_KEY), null, 'the key is in no URL the browser visited');
  await page.close();

  const tok = JSON.parse((await call(`${base}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: reg.client_id, redirect_uri: redirect, code_verifier: verifier, resource: `${base}/mcp` }).toString() })).text);
  assert.equal(findLeak(JSON.stringify(tok), CANARY_KEY), null);
  const r = await call(server.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2025-11-25', authorization: `Bearer ${tok.access_token}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_agents', arguments: {} } }) });
  assert.equal(r.status, 200);
  assert.match(r.text, /Support Agent/);
}

test('headless Chromium on loopback http: sign in, confirm, land on the redirect URI with a code', { skip }, (t) => browserSignIn(t, plain, 'http'));
test('headless Chromium over https (--tls-cert): the same, with a __Host- Secure cookie', { skip }, (t) => browserSignIn(t, tls, 'https'));
