// Issue 11 acceptance 2: the sign-in page in a real browser. Headless Chromium (Debian's
// `chromium`, driven by puppeteer-core) opens the authorize URL, types the canary key into the
// password field, confirms the workspace and lands on the client's redirect URI with a code,
// which then buys a token that calls the sandbox. A screenshot of each step is kept under
// tests/e2e/.out/artifacts/oauth-browser/. Skips (saying why) only when no Chromium is installed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import puppeteer from 'puppeteer-core';
import { E2E_DIR, scratchDir } from './lib/env.mjs';
import { post, startHttpServer } from './lib/http.mjs';
import { startSim } from './lib/sim.mjs';
import { CANARY_KEY, canaryFixtures, findLeak, newSecret, secretFile } from './lib/oauth.mjs';

const CHROMIUM = process.env.CHROMIUM_BIN ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const ARTIFACTS = join(E2E_DIR, '.out', 'artifacts', 'oauth-browser');
const dir = scratchDir('oauth-browser');
let sim, srv, callback, browser;
const arrivals = [];

before(async () => {
  if (!CHROMIUM) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  sim = await startSim({ dir, args: ['--fixtures', canaryFixtures(dir)] });
  srv = await startHttpServer({ dir, args: ['--base-url', sim.url, '--token-secret-file', secretFile(dir, [newSecret()])] });
  // The client's redirect URI: a loopback page that records what the browser brought.
  callback = createServer((req, res) => {
    const u = new URL(req.url, 'http://127.0.0.1');
    if (u.pathname === '/callback') arrivals.push(u);  // not /favicon.ico
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>Back in the app</title><h1 id="done">Signed in: back in the application</h1>');
  });
  await new Promise((r) => callback.listen(0, '127.0.0.1', r));
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
});

after(async () => {
  await browser?.close();
  callback?.close();
  if (srv) {
    await srv.stop();
    assert.equal(findLeak(srv.stderrText(), CANARY_KEY), null, 'the canary key appeared in the server output');
  }
  await sim?.stop();
});

test('headless Chromium signs in on the page and lands on the redirect URI with a code', { skip: CHROMIUM ? false : 'no chromium binary (apt-get install chromium)' }, async (t) => {
  const base = new URL(srv.url).origin;
  const redirect = `http://127.0.0.1:${callback.address().port}/callback`;
  const reg = await (await fetch(`${base}/register`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'Browser e2e client', redirect_uris: [redirect] }) })).json();
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const q = new URLSearchParams({ response_type: 'code', client_id: reg.client_id, redirect_uri: redirect, state, scope: 'mcp',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', resource: `${base}/mcp` });
  const page = await browser.newPage();
  const urls = [];
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) urls.push(f.url()); });
  const shot = async (name) => { const path = join(ARTIFACTS, name); await page.screenshot({ path, fullPage: true }); t.diagnostic(`screenshot ${path}`); };

  await page.goto(`${base}/authorize?${q}`, { waitUntil: 'load' });
  await shot('1-sign-in.png');
  const text1 = await page.evaluate(() => document.body.innerText);
  assert.match(text1, /Sign in to Fini/);
  assert.match(text1, /Browser e2e client/);
  assert.match(text1, /127\.0\.0\.1/);
  assert.match(text1, /Fini API key/);
  assert.equal(await page.$eval('#key', (el) => el.type), 'password');

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
  assert.equal(arrivals.length, 1);
  const code = arrivals[0].searchParams.get('code');
  assert.ok(code, 'the redirect carries a code');
  assert.equal(arrivals[0].searchParams.get('state'), state);
  for (const u of urls) assert.equal(findLeak(u, CANARY_KEY), null, `the key is in no URL the browser visited (${u.slice(0, 60)}…)`);

  const tok = await (await fetch(`${base}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: reg.client_id, redirect_uri: redirect, code_verifier: verifier, resource: `${base}/mcp` }) })).json();
  assert.equal(findLeak(JSON.stringify(tok), CANARY_KEY), null);
  const r = await post(srv.url, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_agents', arguments: {} } }, { authorization: `Bearer ${tok.access_token}` });
  assert.equal(r.status, 200);
  assert.match(r.text, /Support Agent/);
});
