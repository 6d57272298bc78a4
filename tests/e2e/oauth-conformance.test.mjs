// OAuth conformance: the pinned conformance suites' authorization-server scenarios against
// the OAuth server of `serve --http`. 0.1.16 has none (its auth/* scenarios test MCP *clients*);
// 0.2.0-alpha.12 (conformance-next/) has `conformance authorization` with two:
// authorization-server-metadata-endpoint and authorization-code-grant. The latter prints an
// authorization URL for a person to open and waits for its callback: here the sign-in page is
// completed as a browser would (lib/oauth.mjs signIn) and the redirect delivered to the suite.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { E2E_DIR, scratchDir } from './lib/env.mjs';
import { startHttpServer } from './lib/http.mjs';
import { startSim } from './lib/sim.mjs';
import { CANARY_KEY, canaryFixtures, findLeak, newSecret, secretFile, signIn } from './lib/oauth.mjs';

const SUITE = join(E2E_DIR, 'conformance-next/node_modules/@modelcontextprotocol/conformance/dist/index.js');
const NODE = join(E2E_DIR, 'node_modules/.bin/node');
const dir = scratchDir('oauth-conformance');
const freePort = () => new Promise((r) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
let sim, srv;

before(async () => {
  sim = await startSim({ dir, args: ['--fixtures', canaryFixtures(dir)] });
  srv = await startHttpServer({ dir, args: ['--base-url', sim.url, '--token-secret-file', secretFile(dir, [newSecret()])] });
});

after(async () => {
  await srv?.stop();
  assert.equal(findLeak(srv.stderrText(), CANARY_KEY), null);
  await sim?.stop();
});

test('0.2.0-alpha.12 `conformance authorization`: every scenario passes', async (t) => {
  const issuer = new URL(srv.url).origin;
  const port = await freePort();
  const reg = await (await fetch(`${issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'conformance', redirect_uris: [`http://127.0.0.1:${port}/callback`] }) })).json();
  const child = spawn(NODE, [SUITE, 'authorization', '--url', issuer, '--client-id', reg.client_id, '--resource', `${issuer}/mcp`,
    '--port', String(port), '-o', join(dir, 'results')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((r) => child.once('exit', (code) => r(code)));
  const signedIn = new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', async (line) => {
      output += `${line}\n`;
      if (!line.startsWith(`${issuer}/authorize?`)) return;
      try {
        const result = await signIn(line, CANARY_KEY);
        assert.equal(result.status, 303, `sign-in ended with HTTP ${result.status}`);
        await fetch(result.location);  // the browser follows the redirect to the suite's callback
        resolve();
      } catch (e) { reject(e); }
    });
  });
  const code = await Promise.race([exited, signedIn.then(() => exited)]);
  t.diagnostic(output.split('\n').filter((l) => /^[✓✗]|Total:/.test(l)).join(' | '));
  assert.equal(code, 0, `conformance authorization failed:\n${output.slice(-3000)}`);
  assert.match(output, /✓ authorization-server-metadata-endpoint: \d+ passed, 0 failed/);
  assert.match(output, /✓ authorization-code-grant: [1-9]\d* passed, 0 failed/);
});
