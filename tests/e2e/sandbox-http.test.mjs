// `fini-mcp serve --http --sandbox` (the embedded sandbox over Streamable HTTP), as the README
// promises "no key needed": a request with no Authorization header at all is served with the
// sandbox's own read+write key; a request that brings a key is checked as usual (a key the sandbox
// does not know is refused, a malformed header is a 401), and the keyless mode is --sandbox only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS, scratchDir } from './lib/env.mjs';
import { connectHttp, post, startHttpServer } from './lib/http.mjs';
import { resultText } from './lib/mcp.mjs';

const dir = scratchDir('sandbox-http');
const servers = [];
async function serve(args) {
  const s = await startHttpServer({ dir, args });
  servers.push(s);
  return s;
}

after(async () => {
  for (const s of servers) {
    const { code } = await s.stop();
    assert.equal(code, 0, `fini-mcp --http exits 0 on SIGTERM (${s.stderrFile})`);
    const text = s.stderrText();
    for (const key of Object.values(KEYS)) assert.ok(!text.includes(key), `a key appeared in ${s.stderrFile}`);
  }
});

const call = (name, args = {}) => ({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name, arguments: args } });

describe('serve --http --sandbox', () => {
  let srv;
  before(async () => { srv = await serve(['--sandbox']); });

  test('no Authorization header: the SDK client lists and calls tools against the embedded sandbox', async () => {
    const c = await connectHttp(srv.url, null);
    try {
      const { tools } = await c.client.listTools();
      assert.ok(tools.some((t) => t.name === 'list_agents'), 'list_agents is listed');
      const r = await c.client.callTool({ name: 'list_agents', arguments: {} });
      assert.notEqual(r.isError, true, resultText(r));
      assert.match(resultText(r), /Support Agent/, 'the seeded acme agent comes back');
      // The lent key is read+write: a write goes through as well.
      const w = await c.client.callTool({ name: 'create_tag_group', arguments: { title: 'sandbox-http-e2e' } });
      assert.notEqual(w.isError, true, resultText(w));
    } finally { await c.close(); }
  });

  test('a key the sandbox does not know is still checked: the call is refused, not served as acme', async () => {
    const r = await post(srv.url, call('list_agents'), { authorization: 'Bearer fini_not_a_sandbox_key_000000' });
    assert.equal(r.status, 200, r.text);
    const text = r.json ? JSON.stringify(r.json) : r.text;
    assert.match(text, /"isError":true/, text.slice(0, 400));
    assert.doesNotMatch(text, /Support Agent/);
  });

  test('a revoked sandbox key is refused too', async () => {
    const r = await post(srv.url, call('list_agents'), { authorization: `Bearer ${KEYS.revoked}` });
    const text = r.json ? JSON.stringify(r.json) : r.text;
    assert.match(text, /"isError":true/, text.slice(0, 400));
  });

  test('a malformed Authorization header is a 401, never the sandbox key', async () => {
    const r = await post(srv.url, call('list_agents'), { authorization: 'Basic Zm9vOmJhcg==' });
    assert.equal(r.status, 401, r.text);
  });
});

describe('serve --http without --sandbox', () => {
  test('no Authorization header is still a 401', async () => {
    const srv = await serve(['--base-url', 'http://127.0.0.1:9']);
    const r = await post(srv.url, call('list_agents'));
    assert.equal(r.status, 401, r.text);
    assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/);
  });
});
