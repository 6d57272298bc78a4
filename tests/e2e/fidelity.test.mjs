// What Fini's docs settle, end to end through the SDK client and fini-sim: folders detach with
// action DELETE, draft and publish send parentFolderId, an unknown tag or tag group is one
// request answered "No such ...", and epoch-ms arguments take ISO 8601 dates.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS, scratchDir } from './lib/env.mjs';
import { connect, resultText } from './lib/mcp.mjs';
import { startSim } from './lib/sim.mjs';

const SANDBOX_NOW_MS = 1780272000000; // 2026-06-01T00:00:00Z
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const ACCOUNT_FOLDER = 'ac0f0000-0000-4000-8000-000000000006';
const ORDERS_FOLDER = 'ac0f0000-0000-4000-8000-000000000001';
const SUPPORT_AGENT = 'ac0a0000-0000-4000-8000-000000000001';
const RETURN_ARTICLE = 'ac0b0000-0000-4000-8000-000000000003';

let dir;
let sim;
let s;
before(async () => {
  dir = scratchDir('fidelity');
  sim = await startSim({ dir, args: ['--now', String(SANDBOX_NOW_MS)] });
  s = await connect({ dir, args: ['--base-url', sim.url, '--no-confirm'], env: { FINI_API_KEY: KEYS.rw } });
  await call('list_agents', {}); // the first call also probes scopes: keep it out of the counts
});
after(async () => { await s?.close(); await sim?.stop(); });

const call = (name, args) => s.client.callTool({ name, arguments: args });

// Calls a tool and returns [result, the sandbox log entries it caused (after the call answered)].
async function logged(name, args) {
  const mark = sim.mark();
  const r = await call(name, args);
  return [r, await sim.since(mark)];
}

const content = (title) => ({
  title, mainKnowledge: 'Returns within 30 days.', agentInstruction: '', questions: ['Can I return it?'],
  keywords: ['return'], escalation: false,
});

test('assign_knowledge_to_agents detaches with action DELETE, and the agent no longer sees the folder', async () => {
  const sees = async () => JSON.stringify((await call('get_knowledge_folders', { agentId: SUPPORT_AGENT })).structuredContent);
  assert.ok((await sees()).includes(ACCOUNT_FOLDER));
  const junctions = [{ folderId: ACCOUNT_FOLDER, botId: SUPPORT_AGENT, action: 'DELETE' }];
  const [r, log] = await logged('assign_knowledge_to_agents', { junctions });
  assert.equal(r.isError, undefined, resultText(r));
  assert.deepEqual(log.map((e) => [e.operationId, e.status]), [['assignKnowledgeToAgents', 200]]);
  assert.deepEqual(log[0].body, { junctions });
  assert.ok(!(await sees()).includes(ACCOUNT_FOLDER));
});

test('create_article_draft and publish_article_draft send parentFolderId', async () => {
  const [draft, draftLog] = await logged('create_article_draft', { articleId: RETURN_ARTICLE, ...content('Returns'), parentFolderId: ORDERS_FOLDER });
  assert.equal(draft.isError, undefined, resultText(draft));
  assert.equal(draftLog[0].body.parentFolderId, ORDERS_FOLDER);
  const draftId = draft.structuredContent.draft.id;
  const [pub, pubLog] = await logged('publish_article_draft', { articleId: draftId, ...content('Returns'), parentFolderId: ORDERS_FOLDER });
  assert.equal(pub.isError, undefined, resultText(pub));
  assert.deepEqual(pubLog.map((e) => e.operationId), ['publishArticleDraft']);
  assert.deepEqual(pubLog[0].body, { ...content('Returns'), parentFolderId: ORDERS_FOLDER });
  assert.equal(JSON.parse(resultText(pub)).parentFolderId, ORDERS_FOLDER);
});

for (const [tool, arg, what, listWith] of [['delete_tag', 'tagId', 'tag', 'list_tags_in_group'],
  ['delete_tag_group', 'tagGroupId', 'tag group', 'list_tag_groups']]) {
  test(`${tool} with an unknown id: one DELETE, "No such ${what}", never retryable`, async () => {
    const [r, log] = await logged(tool, { [arg]: UNKNOWN });
    assert.equal(r.isError, true);
    // The DELETE is sent once, never retried; before saying "No such", one read of the id
    // confirms that the 500 meant an unknown id (not a transient error).
    assert.deepEqual(log.filter((e) => e.method === 'DELETE').map((e) => e.status), [500], 'exactly one DELETE, not retried');
    assert.deepEqual(log.filter((e) => e.method !== 'DELETE').map((e) => e.method), ['GET'], 'one confirming read');
    assert.match(resultText(r), new RegExp(`^No such ${what}; list them with ${listWith} and call again`));
    assert.doesNotMatch(resultText(r), /retryable|wait a minute/i);
  });
}

test('ISO 8601 dates in since/until are sent as epoch ms, and the result notes what was read', async () => {
  const [r, log] = await logged('list_conversations', { since: '2026-05-01', until: '2026-05-31T00:00:00+02:00', limit: 1 });
  assert.equal(r.isError, undefined, resultText(r));
  const sent = log.filter((e) => e.operationId === 'listConversations');
  assert.equal(sent.length, 1);
  assert.equal(String(sent[0].query.since), '1777593600000');
  assert.equal(String(sent[0].query.until), String(Date.parse('2026-05-30T22:00:00Z')));
  assert.equal(r.content.at(-1).text,
    '(note: /since: the string "2026-05-01" was read as 1777593600000 (2026-05-01T00:00:00.000Z))\n' +
    '(note: /until: the string "2026-05-31T00:00:00+02:00" was read as 1780178400000 (2026-05-30T22:00:00.000Z))');
});

test('an impossible ISO date is refused before anything is sent, once, with the reason', async () => {
  const mark = sim.mark();
  const r = await call('list_conversations', { since: '2023-02-29', until: 1780272000000 });
  assert.equal(r.isError, true);
  assert.equal(resultText(r), 'Invalid arguments for list_conversations:\n- /since: "2023-02-29": February 2023 has 28 days\n' +
    'Fix these and call again (the input schema lists every field).');
  await call('list_agents', {}); // a marker: the refused call sent nothing before it
  assert.deepEqual((await sim.since(mark)).map((e) => e.operationId), ['listAgents']);
});

test('export reads ISO 8601 window dates before paging (not the default window)', async () => {
  const mark = sim.mark();
  const r = await call('export', { tool: 'list_conversations', format: 'jsonl', arguments: { since: '2026-05-01', until: '2026-05-31' } });
  assert.notEqual(r.isError, true, resultText(r));
  assert.deepEqual(r.structuredContent.window, { since: 1777593600000, until: 1780185600000 });
  const pages = (await sim.since(mark)).filter((e) => e.operationId === 'listConversations');
  assert.ok(pages.length >= 1 && pages.every((e) => Number(e.query.since) >= 1777593600000), JSON.stringify(pages.map((e) => e.query)));
  const bad = await call('export', { tool: 'list_conversations', arguments: { since: '2026-02-30' } });
  assert.equal(bad.isError, true);
  assert.equal(resultText(bad), 'export: arguments/since: "2026-02-30": February 2026 has 28 days');
});
