// The stdio key page in a real browser: headless Chromium (Debian's `chromium`, driven by
// puppeteer-core) opens the one-time link that the first tool call offered through URL
// elicitation, types the key into the password field and saves it; the waiting call then
// completes with the workspace's data. (The credentials tests drive the same page with fetch,
// which sends no browser headers: a browser's Origin on the form POST is what this adds. Under
// `Referrer-Policy: no-referrer` Chromium sends `Origin: null` there, which the page refused.)
// Screenshots: tests/e2e/.out/artifacts/keypage-browser/. Skips (saying why) only without Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { E2E_DIR, KEYS, scratchDir } from './lib/env.mjs';
import { connect, resultText } from './lib/mcp.mjs';
import { startSim } from './lib/sim.mjs';

const CHROMIUM = process.env.CHROMIUM_BIN ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const ARTIFACTS = join(E2E_DIR, '.out', 'artifacts', 'keypage-browser');
const skip = CHROMIUM ? false : 'no chromium binary (apt-get install chromium; it is in the Makefile APT_PACKAGES)';
const dir = scratchDir('keypage-browser');
let sim, browser;

before(async () => {
  if (!CHROMIUM) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  sim = await startSim({ dir });
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

test('the key page takes the key in a real browser and the waiting call completes', { skip }, async () => {
  const s = await connect({ dir, args: ['--base-url', sim.url], env: { XDG_CONFIG_HOME: join(dir, 'config') },
    capabilities: { elicitation: { form: {}, url: {} } } });
  let link;
  const linked = new Promise((resolve) => {
    s.client.setRequestHandler(ElicitRequestSchema, async (req) => { link = req.params.url; resolve(); return { action: 'accept' }; });
  });
  try {
    const pending = s.client.callTool({ name: 'list_agents', arguments: {} }, undefined, { timeout: 60000 });
    pending.catch(() => {});  // awaited below; a failure before then must not surface as unhandled
    await linked;
    const page = await browser.newPage();
    await page.goto(link);
    await page.screenshot({ path: join(ARTIFACTS, '1-key-page.png') });
    assert.equal(await page.$eval('#key', (e) => e.type), 'password', 'the key field is a password field');
    assert.match(await page.$eval('body', (e) => e.innerText), /Fini API key/i);
    await page.type('#key', KEYS.rw);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    await page.screenshot({ path: join(ARTIFACTS, '2-saved.png') });
    const text = await page.$eval('body', (e) => e.innerText);
    assert.match(text, /Fini accepted the key/, `the page after saving: ${text.slice(0, 300)}`);
    assert.ok(!(await page.content()).includes(KEYS.rw), 'the key is not echoed in the page');
    const r = await pending;
    assert.ok(!r.isError, resultText(r));
    assert.match(resultText(r), /Support Agent/);
  } finally {
    await s.close();
    assert.ok(!readFileSync(s.stderrFile, 'utf8').includes(KEYS.rw), 'the key appeared on stderr');
  }
});
