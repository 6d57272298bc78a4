// The drift guard end to end: a sandbox started with `--drift` answers two routes with fields typed
// differently from the manifests' outputSchemas (as a real API might). The official SDK client
// (which validates structuredContent against the outputSchema and throws on a mismatch) still gets
// a usable result over stdio and over HTTP: get_conversation's digit-string createdAt is converted
// back to an integer, and list_conversations' string hasMore turns into an error result that
// carries Fini's JSON. Every drift is a warning naming the tool and the JSON pointer, and is counted
// in fini_mcp_schema_drift_total on /metrics.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { KEYS, scratchDir } from './lib/env.mjs';
import { connectHttp, startHttpServer } from './lib/http.mjs';
import { connect, resultText } from './lib/mcp.mjs';
import { startSim } from './lib/sim.mjs';

const dir = scratchDir('drift');
let sim;

before(async () => {
  sim = await startSim({ dir, args: ['--drift', 'listConversations:hasMore', '--drift', 'getConversation:createdAt'] });
});
after(async () => { await sim?.stop(); });

// list_tools first: the SDK checks results only against schemas it has listed.
async function exercise(client) {
  const { tools } = await client.listTools();
  assert.ok(tools.find((t) => t.name === 'get_conversation').outputSchema, 'get_conversation publishes an outputSchema');

  const list = await client.callTool({ name: 'list_conversations', arguments: {} });
  assert.equal(list.isError, true, 'a field that does not convert makes an error result');
  assert.equal(list.structuredContent, undefined, 'non-conforming structured content is never sent');
  const [first, ...rest] = resultText(list).split('\n');
  assert.match(first, /list_conversations at \/hasMore: expected boolean, found string/);
  assert.match(first, /fini-mcp doctor/);
  const page = JSON.parse(rest.join('\n').split('\n')[0]);  // Fini's JSON, unchanged
  assert.equal(page.hasMore, 'false');
  assert.ok(page.interactions.length > 0);

  const one = await client.callTool({ name: 'get_conversation', arguments: { conversationId: page.interactions[0].id } });
  assert.ok(!one.isError, resultText(one).slice(0, 300));
  assert.equal(typeof one.structuredContent.createdAt, 'number', 'the digit string is converted without loss');
  const raw = await (await fetch(`${sim.url}/v2/hc-interactions/${page.interactions[0].id}/public`, { headers: { Authorization: `Bearer ${KEYS.rw}` } })).json();
  assert.equal(typeof raw.createdAt, 'string', 'the sandbox really sends a string');
  assert.equal(String(one.structuredContent.createdAt), raw.createdAt, 'nothing lost');
  assert.match(resultText(one), /converted without loss: \/createdAt was a string where the schema says integer/);
}

function assertDriftLogged(stderr) {
  assert.match(stderr, /schema drift: list_conversations \/hasMore: expected boolean, found string \(sent as an error result\)/);
  assert.match(stderr, /schema drift: get_conversation \/createdAt: expected integer, found string \(converted without loss\)/);
  assert.ok(!stderr.includes(KEYS.rw), 'the key is not logged');
}

describe('drift guard over stdio', () => {
  test('the SDK client gets usable results and the drift is logged by pointer', async () => {
    const c = await connect({ dir, args: ['--base-url', sim.url], env: { FINI_API_KEY: KEYS.rw } });
    try {
      await exercise(c.client);
      assert.deepEqual(c.errors, []);
    } finally {
      await c.close();
    }
    assertDriftLogged(readFileSync(c.stderrFile, 'utf8'));
  });
});

describe('drift guard over HTTP', () => {
  let srv;
  before(async () => { srv = await startHttpServer({ dir, args: ['--base-url', sim.url] }); });
  after(async () => { await srv?.stop(); });

  test('the SDK client gets usable results, /metrics counts the drift per tool', async () => {
    const base = srv.url.replace(/\/mcp$/, '');
    const before = await (await fetch(`${base}/metrics`)).text();
    assert.doesNotMatch(before, /fini_mcp_schema_drift_total\{tool="list_conversations"\}/);
    const c = await connectHttp(srv.url, KEYS.rw);
    try {
      await exercise(c.client);
    } finally {
      await c.close();
    }
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /fini_mcp_schema_drift_total\{tool="list_conversations"\} 1\n/);
    assert.match(metrics, /fini_mcp_schema_drift_total\{tool="get_conversation"\} 1\n/);
    assertDriftLogged(srv.stderrText());
  });
});
