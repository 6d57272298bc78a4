// Confirmation before harm, through the official SDK client against fini-sim: a
// destructive tool asks a yes/no form question before anything is sent. accept → the request
// reaches the sandbox; decline → nothing in the sandbox request log; --no-confirm → no question;
// a client without elicitation → proceeds (its own tool approval applies).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { KEYS, scratchDir } from './lib/env.mjs';
import { connect, resultText } from './lib/mcp.mjs';
import { startSim } from './lib/sim.mjs';

const RULE = 'ac0e0000-0000-4000-8000-000000000005';
const DRAFT = 'ac0e0000-0000-4000-8000-000000000006';
const AGENT = 'ac0a0000-0000-4000-8000-000000000001';
const IDS = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];
let dir;
let sim;

before(async () => {
  dir = scratchDir('confirm');
  sim = await startSim({ dir });
});
after(async () => { await sim?.stop(); });

// answer: the client's reply to elicitation/create, or null for a client without elicitation.
async function session(answer, args = [], env = {}) {
  const s = await connect({ dir, args: ['--base-url', sim.url, ...args], env: { FINI_API_KEY: KEYS.rw, ...env },
    capabilities: answer ? { elicitation: { form: {} } } : {} });
  const questions = [];
  if (answer) {
    s.client.setRequestHandler(ElicitRequestSchema, async (req) => { questions.push(req.params); return answer; });
  }
  return { s, questions };
}

function sent(entries, method, pathPart) {
  return entries.filter((e) => e.method === method && String(e.path ?? e.url ?? '').includes(pathPart));
}

test('accept → the question says what will happen, then the request is sent', async () => {
  const { s, questions } = await session({ action: 'accept', content: { confirm: true } });
  try {
    const mark = sim.mark();
    const r = await s.client.callTool({ name: 'publish_rule_draft', arguments: { ruleId: DRAFT, agentIds: [AGENT] } });
    assert.equal(r.isError, undefined, resultText(r));
    assert.equal(questions.length, 1);
    assert.equal(questions[0].message, `Publish rule ${DRAFT} live for agent(s) ${AGENT}?`);
    assert.equal(questions[0].requestedSchema.properties.confirm.type, 'boolean');
    assert.equal(sent(await sim.since(mark), 'POST', `/v2/hc-rules/${DRAFT}/publish/public`).length, 1);
  } finally { await s.close(); }
});

test('decline → nothing is sent and the result says so', async () => {
  const { s, questions } = await session({ action: 'decline' });
  try {
    const mark = sim.mark();
    const r = await s.client.callTool({ name: 'bulk_delete_conversations', arguments: { conversationIds: IDS } });
    assert.equal(r.isError, true);
    assert.equal(questions[0].message, `Delete 2 conversations (ids ${IDS.join(', ')})? This cannot be undone, and it is not atomic: accessible ids are deleted even if others fail.`);
    assert.match(resultText(r), /^Not done: the user declined .*Nothing was sent to Fini\.$/s);
    // A read afterwards proves the log is live; only it may appear after the mark.
    await s.client.callTool({ name: 'list_agents', arguments: {} });
    const entries = await sim.since(mark);
    assert.equal(sent(entries, 'DELETE', '/v2/hc-interactions').length, 0, JSON.stringify(entries));
  } finally { await s.close(); }
});

test('accept with confirm=false counts as no', async () => {
  const { s } = await session({ action: 'accept', content: { confirm: false } });
  try {
    const mark = sim.mark();
    const r = await s.client.callTool({ name: 'delete_rule', arguments: { ruleId: RULE } });
    assert.match(resultText(r), /^Not done: the user answered no/);
    await s.client.callTool({ name: 'list_agents', arguments: {} });
    assert.equal(sent(await sim.since(mark), 'DELETE', '/v2/hc-rules').length, 0);
  } finally { await s.close(); }
});

test('--no-confirm → no question, the request is sent', async () => {
  const { s, questions } = await session({ action: 'decline' }, ['--no-confirm']);
  try {
    const mark = sim.mark();
    const r = await s.client.callTool({ name: 'delete_conversation', arguments: { conversationId: IDS[0] } });
    assert.equal(r.isError, undefined, resultText(r));
    assert.equal(questions.length, 0);
    assert.equal(sent(await sim.since(mark), 'DELETE', `/v2/hc-interactions/${IDS[0]}`).length, 1);
  } finally { await s.close(); }
});

test('FINI_NO_CONFIRM=1 (the bundle/plugin setting) → no question; "false" or unexpanded → asks', async () => {
  const off = await session({ action: 'decline' }, [], { FINI_NO_CONFIRM: '1' });
  try {
    const r = await off.s.client.callTool({ name: 'delete_conversation', arguments: { conversationId: IDS[0] } });
    assert.equal(r.isError, undefined, resultText(r));
    assert.equal(off.questions.length, 0);
  } finally { await off.s.close(); }
  for (const value of ['false', '${user_config.no_confirm}']) {
    const on = await session({ action: 'decline' }, [], { FINI_NO_CONFIRM: value });
    try {
      const r = await on.s.client.callTool({ name: 'delete_conversation', arguments: { conversationId: IDS[0] } });
      assert.equal(r.isError, true, value);
      assert.equal(on.questions.length, 1, value);
    } finally { await on.s.close(); }
  }
});

test('a client without elicitation proceeds', async () => {
  const { s } = await session(null);
  try {
    const mark = sim.mark();
    const r = await s.client.callTool({ name: 'delete_conversation', arguments: { conversationId: IDS[1] } });
    assert.equal(r.isError, undefined, resultText(r));
    assert.equal(sent(await sim.since(mark), 'DELETE', `/v2/hc-interactions/${IDS[1]}`).length, 1);
  } finally { await s.close(); }
});

test('read-only and non-destructive tools never ask', async () => {
  const { s, questions } = await session({ action: 'decline' });
  try {
    const r = await s.client.callTool({ name: 'list_agents', arguments: {} });
    assert.equal(r.isError, undefined);
    assert.equal(questions.length, 0);
  } finally { await s.close(); }
});

test('a failed non-atomic bulk delete reports per-id outcomes, learned with reads only', async () => {
  const { s } = await session(null, ['--no-confirm']);
  try {
    const list = await s.client.callTool({ name: 'list_conversations', arguments: { limit: 1, fields: ['id'] } });
    const real = list.structuredContent.interactions[0].id;
    const missing = '00000000-0000-4000-8000-0000000000ff';
    const mark = sim.mark();
    const r = await s.client.callTool({ name: 'bulk_delete_conversations', arguments: { conversationIds: [real, missing] } });
    assert.equal(r.isError, true);
    assert.match(resultText(r), /406/);
    const outcome = r.content.map((c) => c.text).find((t) => t.startsWith('This call is not atomic'));
    assert.equal(outcome, `This call is not atomic, so fini-mcp checked each id afterwards with get_conversation: gone (deleted, or never existed): ${real}, ${missing}; still present: none; could not be checked: none.`);
    const log = await sim.since(mark);
    assert.equal(sent(log, 'DELETE', '/v2/hc-interactions/public').length, 1, 'one delete, never repeated');
    assert.equal(log.filter((e) => e.method === 'GET').length, 2, 'one read per id');
    assert.equal(log.length, 3);
  } finally { await s.close(); }
});
