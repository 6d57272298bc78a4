// A surface a model calls right the first time, end to end through the SDK client and
// fini-sim: declared coercions are what gets sent, seconds are refused before anything is sent,
// unknown ids say what to do next, a rejected key from the environment says where it comes from.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS, scratchDir } from './lib/env.mjs';
import { connect, resultText } from './lib/mcp.mjs';
import { startSim } from './lib/sim.mjs';

let dir;
let sim;
let s;
before(async () => {
  dir = scratchDir('surface');
  sim = await startSim({ dir });
  s = await connect({ dir, args: ['--base-url', sim.url], env: { FINI_API_KEY: KEYS.rw } });
});
after(async () => { await s?.close(); await sim?.stop(); });

const call = (name, args) => s.client.callTool({ name, arguments: args });

test('a comma-separated string for a list and a numeric string for an integer are sent coerced', async () => {
  const mark = sim.mark();
  const r = await call('list_conversations', { source: 'zendesk, intercom', limit: '5' });
  assert.equal(r.isError, undefined, resultText(r));
  const [entry] = (await sim.since(mark)).filter((e) => e.operationId === 'listConversations');
  assert.deepEqual(entry.query.source, ['zendesk', 'intercom']);
  assert.equal(String(entry.query.limit), '5');
});

test('a coercion that still fails is named in the error text', async () => {
  const r = await call('list_conversations', { limit: '500' });
  assert.equal(r.isError, true);
  assert.equal(resultText(r), 'Invalid arguments for list_conversations:\n- /limit: must be <= 100 (got 500)\n' +
    '(note: /limit: the string "500" was read as the integer 500)\nFix these and call again (the input schema lists every field).');
});

test('seconds for an epoch-ms window are refused before anything is sent', async () => {
  const mark = sim.mark();
  const r = await call('list_conversations', { since: 1777593600, until: 1780272000000 });
  assert.equal(r.isError, true);
  assert.equal(resultText(r), 'Invalid arguments for list_conversations:\n' +
    '- /since: 1777593600: this looks like seconds; Fini wants milliseconds: 1777593600000\n' +
    'Fix these and call again (the input schema lists every field).');
  await call('list_agents', {});
  assert.deepEqual((await sim.since(mark)).map((e) => e.operationId), ['listAgents']);
});

test('an unknown id on a 500-answering route: no such X, list them with Y, never retryable', async () => {
  const r = await call('get_conversation', { conversationId: '00000000-0000-4000-8000-000000000000' });
  assert.equal(r.isError, true);
  assert.equal(resultText(r), 'No such conversation; list them with list_conversations and call again with an id from ' +
    'there. (GET /v2/hc-interactions/{id}/public answers 500 when the id is unknown, deleted or in another workspace.)');
});

test('a revoked key from the environment says where it comes from, without login advice', async () => {
  const revoked = await connect({ dir, args: ['--base-url', sim.url], env: { FINI_API_KEY: KEYS.revoked } });
  try {
    const r = await revoked.client.callTool({ name: 'list_agents', arguments: {} });
    const text = resultText(r);
    assert.equal(r.isError, true);
    assert.match(text, /^Fini API error 401 Unauthorized \(GET \/v2\/bots\/public\): the API key was rejected \(revoked or invalid\)\. The key comes from the FINI_API_KEY environment variable of this server/);
    assert.doesNotMatch(text, /fini-mcp login|retryable/);
    assert.ok(!text.includes(KEYS.revoked));
  } finally { await revoked.close(); }
});
