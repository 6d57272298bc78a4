// Tools e2e: every one of the 56 manifest tools called through the built binary with the official SDK
// client, against fini-sim over HTTPS (a test CA made now, passed with --ca-file), each call
// checked against the sandbox's request log (method, path, query, body, operation). Ids come
// from list calls against the seeded sandbox; whatever a test creates, it deletes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTRACT_ENDPOINTS, KEYS, MANIFEST_COUNT, readJson, scratchDir, sleep } from './lib/env.mjs';
import { connect, listAllTools, resultText } from './lib/mcp.mjs';
import { startSim } from './lib/sim.mjs';
import { startStub } from './lib/stub.mjs';
import { makePki } from './lib/tls.mjs';

const dir = scratchDir('tools');
const operationOf = new Map(readJson(CONTRACT_ENDPOINTS).endpoints.map((e) => [e.tool, e.operationId]));
const called = new Set();
const ids = {};
let pki, sim, s;

before(async () => {
  pki = makePki(dir);
  sim = await startSim({ dir, pki, args: ['--job-step-ms', '40'] });
  assert.match(sim.url, /^https:\/\/127\.0\.0\.1:\d+$/, 'the sandbox serves HTTPS');
  s = await connectWarm(KEYS.rw);
});

// The first call of a session also probes the key's scopes (GET /v2/bots/public and an empty
// POST /v2/hc-rules/public): make that call before any test counts requests.
async function connectWarm(key, args = [], upstream = null) {
  const target = upstream ?? sim;
  // The manifest tools only: export/query_export have their own file (export.test.mjs).
  const c = await connect({ dir, args: ['--base-url', target.url, '--ca-file', pki.caFile, '--no-export-tools', ...args], env: { FINI_API_KEY: key } });
  const mark = target.mark();
  await c.client.callTool({ name: 'list_agents', arguments: {} });
  c.warmup = await target.since(mark, { min: 1 });
  await sleep(50);
  c.warmup = target.entries().slice(mark);
  return c;
}
after(async () => {
  await s?.close();
  await sim?.stop();
});

// structuredContent, else the JSON text, else null (file results such as the tree CSV are text).
function payload(r) {
  if (r.structuredContent) return r.structuredContent;
  try { return JSON.parse(resultText(r)); } catch { return null; }
}

// Calls a tool, expects success and exactly one logged request matching `expect`
// ({method, path, query (default {}), body (when given)}); returns the result payload.
async function call(name, args, expect) {
  const mark = sim.mark();
  const r = await s.client.callTool({ name, arguments: args });
  called.add(name);
  assert.notEqual(r.isError, true, `${name} failed: ${resultText(r)}`);
  const recs = await sim.since(mark, { min: 1 });
  assert.equal(recs.length, 1, `${name}: one request expected, the sandbox logged ${JSON.stringify(recs)}`);
  const rec = recs[0];
  const where = `${name}: logged ${JSON.stringify(rec)}`;
  assert.equal(rec.method, expect.method, where);
  assert.equal(rec.path, expect.path, where);
  assert.equal(rec.operationId, operationOf.get(name), where);
  assert.deepEqual(rec.query, expect.query ?? {}, where);
  if ('body' in expect) assert.deepEqual(rec.body, expect.body, where);
  assert.ok(rec.status >= 200 && rec.status < 300, where);
  return { r, data: payload(r), rec };
}

const article = (tag) => ({
  title: `E2E article ${tag}`,
  mainKnowledge: `Orders placed before noon ship the same day (${tag}).`,
  agentInstruction: 'Quote the cut-off time.',
  questions: ['When does my order ship?'],
  keywords: ['shipping', 'cut-off'],
  escalation: false,
});

describe('agents', () => {
  test('list_agents', async () => {
    const { data } = await call('list_agents', {}, { method: 'GET', path: '/v2/bots/public', body: null });
    assert.ok(Array.isArray(data.agents) && data.agents.length >= 1);
    ids.agent = data.agents.find((a) => a.name === 'Support Agent')?.id ?? data.agents[0].id;
    ids.agents = data.agents.map((a) => a.id);
  });
  test('get_agent_prompts', async () => {
    const { data } = await call('get_agent_prompts', { agentId: ids.agent }, { method: 'GET', path: `/v2/bots/${ids.agent}/hc-prompt/public` });
    for (const k of ['hcPlanningPrompt', 'hcGuidelinePrompt', 'hcChannelPrompt']) assert.ok(Array.isArray(data[k]), `${k} in ${JSON.stringify(data)}`);
    ids.prompts = { hcPlanningPrompt: data.hcPlanningPrompt, hcGuidelinePrompt: data.hcGuidelinePrompt, hcChannelPrompt: data.hcChannelPrompt };
  });
  test('get_agent_prompt_history', async () => {
    const { data } = await call('get_agent_prompt_history', { agentId: ids.agent }, { method: 'GET', path: `/v2/bots/${ids.agent}/hc-prompt/history/public` });
    assert.ok(Array.isArray(data.versions));
  });
  test('update_agent_prompts (no /public suffix)', async () => {
    const body = structuredClone(ids.prompts);
    body.hcGuidelinePrompt = [...body.hcGuidelinePrompt, { key: 'e2e', title: 'E2E', content: 'Be brief.' }];
    await call('update_agent_prompts', { agentId: ids.agent, ...body }, { method: 'POST', path: `/v2/bots/${ids.agent}/hc-prompt`, body });
  });
});

describe('conversations', () => {
  test('list_conversations: two pages via nextCursor (direction=next → older)', async () => {
    const p1 = await call('list_conversations', { limit: 3 }, { method: 'GET', path: '/v2/hc-interactions/public', query: { limit: '3' } });
    assert.equal(p1.data.interactions.length, 3);
    assert.equal(p1.data.hasMore, true);
    assert.equal(typeof p1.data.nextCursor, 'string');
    const p2 = await call('list_conversations', { limit: 3, cursor: p1.data.nextCursor, direction: 'next' },
      { method: 'GET', path: '/v2/hc-interactions/public', query: { limit: '3', cursor: p1.data.nextCursor, direction: 'next' } });
    assert.equal(p2.data.interactions.length, 3);
    const first = new Set(p1.data.interactions.map((i) => i.id));
    for (const i of p2.data.interactions) assert.ok(!first.has(i.id), 'page 2 repeats page 1');
    assert.ok(p2.data.interactions[0].createdAt <= p1.data.interactions[2].createdAt, 'page 2 is older');
    ids.conversation = p1.data.interactions[0].id;
  });
  test('list_conversations: window and repeated array filters', async () => {
    const until = Date.now();
    const since = until - 30 * 86400000;
    await call('list_conversations', { since, until, limit: 2, source: ['widget', 'api'], channel: ['chat'] }, {
      method: 'GET', path: '/v2/hc-interactions/public',
      query: { since: String(since), until: String(until), limit: '2', source: ['widget', 'api'], channel: 'chat' },
    });
  });
  test('get_conversation', async () => {
    const { data } = await call('get_conversation', { conversationId: ids.conversation }, { method: 'GET', path: `/v2/hc-interactions/${ids.conversation}/public` });
    assert.equal(data.id, ids.conversation);
  });
  test('generate_answer (agentId, then conversationId)', async () => {
    const marker = `e2e-${Date.now()}`;
    const content = `Where is my order? ${marker}`;
    const a = await call('generate_answer', { content, agentId: ids.agent }, { method: 'POST', path: '/v2/hc-interactions/events/public', body: { content, botId: ids.agent } });
    assert.ok(Array.isArray(a.data.events) && a.data.events.length >= 1, JSON.stringify(a.data));
    assert.ok(a.data.events.some((e) => e.role === 'finibot'), 'a user message gets an AI reply');
    // Find the two conversations this test makes (newest first), for the delete tools.
    const content2 = `Do you ship abroad? ${marker}`;
    await call('generate_answer', { content: content2, agentId: ids.agent, role: 'user' }, { method: 'POST', path: '/v2/hc-interactions/events/public', body: { content: content2, botId: ids.agent, role: 'user' } });
    const r = await s.client.callTool({ name: 'list_conversations', arguments: { limit: 10 } });
    const mine = payload(r).interactions.filter((i) => i.events.some((e) => String(e.message ?? e.content ?? '').includes(marker)));
    assert.equal(mine.length, 2, 'both generated conversations are listed');
    [ids.conv1, ids.conv2] = mine.map((i) => i.id);
    const follow = 'Thanks!';
    await call('generate_answer', { content: follow, conversationId: ids.conv1 }, { method: 'POST', path: '/v2/hc-interactions/events/public', body: { content: follow, interactionId: ids.conv1 } });
  });
  test('delete_conversation', async () => {
    const { data } = await call('delete_conversation', { conversationId: ids.conv1 }, { method: 'DELETE', path: `/v2/hc-interactions/${ids.conv1}/public`, body: null });
    assert.equal(data.success, true);
  });
  test('bulk_delete_conversations (DELETE with a JSON body)', async () => {
    await call('bulk_delete_conversations', { conversationIds: [ids.conv2] }, { method: 'DELETE', path: '/v2/hc-interactions/public', body: { ids: [ids.conv2] } });
  });
});

describe('sources', () => {
  test('list_sources', async () => {
    const { data } = await call('list_sources', { limit: 5, source: 'web' }, { method: 'GET', path: '/v2/documents/public', query: { limit: '5', source: 'web' } });
    assert.ok(data.documents.length >= 1);
    ids.source = data.documents[0].id;
  });
  test('get_source', async () => {
    const { data } = await call('get_source', { sourceId: ids.source }, { method: 'GET', path: `/v2/documents/public/${ids.source}` });
    assert.equal(data.id, ids.source);
  });
  test('crawl_links', async () => {
    const body = { links: ['https://help.acme.test/'], limit: 5 };
    const { data } = await call('crawl_links', body, { method: 'POST', path: '/v2/documents/public/deep-crawl/links', body });
    assert.ok(Array.isArray(data.data));
  });
  test('ingest_sources, then get_source until linkedJobStatus COMPLETED', async () => {
    const url = `https://help.acme.test/e2e-${Date.now()}`;
    const body = { source: 'web', documentIdsToAdd: [url] };
    const { data } = await call('ingest_sources', { source: 'web', sourceIdsToAdd: [url] }, { method: 'POST', path: '/v2/documents/public', body });
    assert.equal(data.addedDocumentIds.length, 1);
    ids.ingested = data.addedDocumentIds[0];
    const seen = [];
    for (let i = 0; i < 100; i++) {
      const g = await call('get_source', { sourceId: ids.ingested }, { method: 'GET', path: `/v2/documents/public/${ids.ingested}` });
      seen.push(g.data.linkedJobStatus);
      if (g.data.linkedJobStatus === 'COMPLETED' || g.data.linkedJobStatus === 'FAILED') break;
      await sleep(25);
    }
    assert.equal(seen.at(-1), 'COMPLETED', `statuses seen: ${seen.join(' → ')}`);
  });
  test('refresh_sources', async () => {
    const { data } = await call('refresh_sources', { sourceIds: [ids.ingested] }, { method: 'POST', path: '/v2/documents/public/refresh', body: { documentIds: [ids.ingested] } });
    assert.ok(Array.isArray(data.documentIds));
  });
  test('list_provider_resources', async () => {
    const { data } = await call('list_provider_resources', { provider: 'notion' }, { method: 'GET', path: '/v2/documents/public/resources/notion' });
    assert.ok(data.resources.length >= 1);
    ids.resource = data.resources[0];
  });
  test('register_provider_resources', async () => {
    const { originalUrl, title, externalId, mimeType } = ids.resource;
    const body = { resources: [{ originalUrl, title, externalId, mimeType }] };
    const { data } = await call('register_provider_resources', { provider: 'notion', ...body }, { method: 'POST', path: '/v2/documents/public/resources/notion', body });
    ids.registered = [...(data.addedDocumentIds ?? []), ...(data.updatedDocumentIds ?? [])];
    assert.equal(ids.registered.length, 1);
  });
  test('delete_sources (DELETE with a JSON body)', async () => {
    const body = { documentIds: [ids.ingested, ...ids.registered], deleteArticles: false };
    await call('delete_sources', { sourceIds: body.documentIds, deleteArticles: false }, { method: 'DELETE', path: '/v2/documents/public', body });
  });
});

describe('knowledge', () => {
  test('generate_knowledge', async () => {
    const body = { candidateKnowledge: 'Orders placed before noon ship the same day.', origin: 'generated', botId: ids.agent };
    const { data } = await call('generate_knowledge', { candidateKnowledge: body.candidateKnowledge, origin: 'generated', agentId: ids.agent }, { method: 'POST', path: '/v2/knowledge/public', body });
    assert.equal(typeof data.backgroundJobId, 'string');
    ids.job = data.backgroundJobId;
  });
  test('bulk_generate_knowledge', async () => {
    const body = { documentIds: [ids.source], origin: 'sources', isDraft: true };
    const { data } = await call('bulk_generate_knowledge', { sourceIds: [ids.source], origin: 'sources', isDraft: true }, { method: 'POST', path: '/v2/knowledge/public/bulk', body });
    assert.equal(data.jobs.length, 1);
  });
  test('check_knowledge_jobs (read-scope POST)', async () => {
    const { data } = await call('check_knowledge_jobs', { jobIds: [ids.job] }, { method: 'POST', path: '/v2/knowledge/public/jobs/status', body: { jobIds: [ids.job] } });
    assert.equal(data.jobs[0].id, ids.job);
  });
  test('initialize_knowledge_tree: the CSV as text plus an embedded resource', async () => {
    const body = { initPrompt: 'Organise by customer journey.' };
    const { r } = await call('initialize_knowledge_tree', body, { method: 'POST', path: '/v2/knowledge/public/tree/initialize', body });
    assert.match(resultText(r), /folderId,folderPath/, resultText(r).slice(0, 300));
    const res = r.content.find((c) => c.type === 'resource');
    assert.ok(res, `an embedded resource in ${JSON.stringify(r.content.map((c) => c.type))}`);
    assert.match(res.resource.mimeType ?? '', /csv/);
    ids.treeCsv = res.resource.text ?? resultText(r).slice(resultText(r).indexOf('folderId,'));
  });
  test('persist_knowledge_tree (multipart field "file")', async () => {
    const { rec } = await call('persist_knowledge_tree', { file: ids.treeCsv }, { method: 'POST', path: '/v2/knowledge/public/tree/persist' });
    assert.match(rec.contentType, /^multipart\/form-data/);
    assert.equal(rec.body.multipart.length, 1);
    assert.equal(rec.body.multipart[0].name, 'file');
    assert.equal(rec.body.multipart[0].size, Buffer.byteLength(ids.treeCsv));
  });
});

describe('folders', () => {
  test('get_knowledge_folders', async () => {
    const { data } = await call('get_knowledge_folders', { agentId: ids.agent }, { method: 'GET', path: '/v2/hc-folders/public', query: { botId: ids.agent } });
    const all = JSON.stringify(data);
    ids.folder = all.match(/"id":"(ac0f[0-9a-f-]+)"/)?.[1];
    assert.ok(ids.folder, `a seeded folder id in ${all.slice(0, 300)}`);
  });
  test('create_knowledge_folder', async () => {
    const body = { title: 'E2E folder', description: '' };
    const { data } = await call('create_knowledge_folder', body, { method: 'POST', path: '/v2/hc-folders/public', body });
    ids.newFolder = data.id;
    assert.equal(typeof ids.newFolder, 'string');
  });
  test('update_knowledge_folder', async () => {
    const body = { title: 'E2E folder (renamed)', description: 'made by the e2e suite', active: true };
    await call('update_knowledge_folder', { folderId: ids.newFolder, ...body }, { method: 'PUT', path: `/v2/hc-folders/${ids.newFolder}/public`, body });
  });
  test('move_knowledge_folder', async () => {
    await call('move_knowledge_folder', { folderId: ids.newFolder, parentFolderId: ids.folder }, { method: 'PUT', path: `/v2/hc-folders/${ids.newFolder}/move/public`, body: { parentFolderId: ids.folder } });
  });
  test('assign_knowledge_to_agents', async () => {
    const body = { junctions: [{ folderId: ids.newFolder, botId: ids.agent, action: 'ADD' }] };
    await call('assign_knowledge_to_agents', body, { method: 'POST', path: '/v2/hc-bot-folder-junctions/public', body });
  });
});

describe('articles', () => {
  test('list_articles', async () => {
    const { data } = await call('list_articles', { type: 'live' }, { method: 'GET', path: '/v2/hc-articles/public', query: { type: 'live' } });
    assert.ok(data.articles.length >= 1);
    ids.article = data.articles[0].id;
  });
  test('get_articles_by_ids (read-scope POST)', async () => {
    const { data } = await call('get_articles_by_ids', { articleIds: [ids.article] }, { method: 'POST', path: '/v2/hc-articles/ids/public', body: { articleIds: [ids.article] } });
    assert.equal(data.articles[0].id, ids.article);
  });
  test('create_article', async () => {
    const body = { ...article('new'), parentFolderId: ids.newFolder, isDraft: false };
    const { data } = await call('create_article', body, { method: 'POST', path: '/v2/hc-articles/public', body });
    ids.newArticle = data.id;
    assert.equal(typeof ids.newArticle, 'string');
  });
  test('update_article', async () => {
    const body = article('updated');
    await call('update_article', { articleId: ids.newArticle, ...body }, { method: 'PUT', path: `/v2/hc-articles/${ids.newArticle}/public`, body });
  });
  test('create_article_draft', async () => {
    const body = article('draft');
    const { data } = await call('create_article_draft', { articleId: ids.newArticle, ...body }, { method: 'POST', path: `/v2/hc-articles/${ids.newArticle}/draft/public`, body });
    ids.draftArticle = data.draft?.id;
    assert.equal(typeof ids.draftArticle, 'string', JSON.stringify(data));
  });
  test('publish_article_draft', async () => {
    const body = article('published');
    await call('publish_article_draft', { articleId: ids.draftArticle, ...body }, { method: 'POST', path: `/v2/hc-articles/${ids.draftArticle}/publish/public`, body });
  });
  test('move_article', async () => {
    await call('move_article', { articleId: ids.newArticle, parentFolderId: ids.folder }, { method: 'PUT', path: `/v2/hc-articles/${ids.newArticle}/move/public`, body: { parentFolderId: ids.folder } });
  });
  test('delete_article', async () => {
    await call('delete_article', { articleId: ids.newArticle }, { method: 'DELETE', path: `/v2/hc-articles/${ids.newArticle}/public`, body: null });
  });
  test('delete_knowledge_folder (the folder made above, now empty)', async () => {
    await call('delete_knowledge_folder', { folderId: ids.newFolder }, { method: 'DELETE', path: `/v2/hc-folders/${ids.newFolder}/public`, body: null });
  });
});

describe('rules', () => {
  test('list_rules', async () => {
    const { data } = await call('list_rules', { type: 'intent', isDraft: false }, { method: 'GET', path: '/v2/hc-rules/public', query: { type: 'intent', isDraft: 'false' } });
    assert.ok(data.rules.length >= 1);
    ids.rule = data.rules[0].id;
  });
  test('get_rule', async () => {
    const { data } = await call('get_rule', { ruleId: ids.rule }, { method: 'GET', path: `/v2/hc-rules/${ids.rule}/public` });
    assert.equal(data.id, ids.rule);
  });
  test('create_rule', async () => {
    const body = { name: 'E2E rule', description: 'Runs when the customer asks about the e2e suite.', type: 'intent', botIds: [ids.agent] };
    const { botIds, ...rest } = body;
    const { data } = await call('create_rule', { ...rest, agentIds: botIds }, { method: 'POST', path: '/v2/hc-rules/public', body });
    ids.newRule = data.id;
    assert.equal(typeof ids.newRule, 'string');
  });
  test('update_rule (PATCH)', async () => {
    await call('update_rule', { ruleId: ids.newRule, description: 'Updated by e2e.' }, { method: 'PATCH', path: `/v2/hc-rules/${ids.newRule}/public`, body: { description: 'Updated by e2e.' } });
  });
  test('duplicate_rule', async () => {
    const { data } = await call('duplicate_rule', { ruleId: ids.newRule, name: 'E2E rule copy' }, { method: 'POST', path: `/v2/hc-rules/${ids.newRule}/duplicate/public`, body: { name: 'E2E rule copy' } });
    ids.dupRule = data.id;
    assert.equal(typeof ids.dupRule, 'string');
  });
  test('create_rule_draft', async () => {
    const body = { behaviorInstructions: 'When a customer asks for a refund, collect the order number and escalate.' };
    const { data } = await call('create_rule_draft', body, { method: 'POST', path: '/v2/hc-rules/draft/public', body });
    ids.draftRule = data.id;
    assert.equal(data.isDraft, true);
  });
  test('refine_rule_draft', async () => {
    const body = { refinementInstructions: 'Also ask for the purchase date.' };
    await call('refine_rule_draft', { ruleId: ids.draftRule, ...body }, { method: 'POST', path: `/v2/hc-rules/${ids.draftRule}/refine/public`, body });
  });
  test('publish_rule_draft', async () => {
    await call('publish_rule_draft', { ruleId: ids.draftRule, agentIds: [ids.agent] }, { method: 'POST', path: `/v2/hc-rules/${ids.draftRule}/publish/public`, body: { botIds: [ids.agent] } });
  });
  test('delete_rule (all three made above)', async () => {
    for (const id of [ids.newRule, ids.dupRule, ids.draftRule]) {
      await call('delete_rule', { ruleId: id }, { method: 'DELETE', path: `/v2/hc-rules/${id}/public`, body: null });
    }
  });
});

describe('tags', () => {
  test('list_tag_groups', async () => {
    const { data } = await call('list_tag_groups', {}, { method: 'GET', path: '/v2/tag-groups/public' });
    ids.groups = data.tagGroups.map((g) => g.id);
    ids.group = data.tagGroups.find((g) => g.companyId)?.id ?? ids.groups[0];
    assert.ok(ids.groups.length >= 2);
  });
  test('get_tag_group', async () => {
    const { data } = await call('get_tag_group', { tagGroupId: ids.group }, { method: 'GET', path: `/v2/tag-groups/${ids.group}/public` });
    assert.equal(data.id, ids.group);
  });
  test('list_tags_in_group', async () => {
    const { data } = await call('list_tags_in_group', { tagGroupId: ids.group }, { method: 'GET', path: `/v2/tag-groups/${ids.group}/tags/public` });
    ids.tag = data.tags[0].id;
  });
  test('list_tags_across_groups (repeated tagGroupIds=)', async () => {
    const two = ids.groups.slice(0, 2);
    await call('list_tags_across_groups', { tagGroupIds: two }, { method: 'GET', path: '/v2/tag-groups/tags/public', query: { tagGroupIds: two } });
  });
  test('get_tag', async () => {
    const { data } = await call('get_tag', { tagId: ids.tag }, { method: 'GET', path: `/v2/tags/${ids.tag}/public` });
    assert.equal(data.tag.id, ids.tag);
  });
  test('create_tag_group', async () => {
    const body = { title: 'E2E group', prompt: 'Pick the e2e tag.', multiselect: false };
    const { data } = await call('create_tag_group', body, { method: 'POST', path: '/v2/tag-groups/public', body });
    ids.newGroup = data.id;
  });
  test('update_tag_group', async () => {
    await call('update_tag_group', { tagGroupId: ids.newGroup, description: 'made by e2e' }, { method: 'PUT', path: `/v2/tag-groups/${ids.newGroup}/public`, body: { description: 'made by e2e' } });
  });
  test('create_tag', async () => {
    const body = { tagName: 'E2E tag', tagDescription: 'Only for tests.' };
    const { data } = await call('create_tag', { tagGroupId: ids.newGroup, ...body }, { method: 'POST', path: `/v2/tag-groups/${ids.newGroup}/tags/public`, body });
    ids.newTag = data.id;
  });
  test('update_tag (the {id} is the TAG id)', async () => {
    await call('update_tag', { tagId: ids.newTag, tagName: 'E2E tag 2' }, { method: 'PUT', path: `/v2/tag-groups/${ids.newTag}/tags/public`, body: { tagName: 'E2E tag 2' } });
  });
  test('delete_tag', async () => {
    await call('delete_tag', { tagId: ids.newTag }, { method: 'DELETE', path: `/v2/tag-groups/${ids.newTag}/tags/public`, body: null });
  });
  test('delete_tag_group', async () => {
    await call('delete_tag_group', { tagGroupId: ids.newGroup }, { method: 'DELETE', path: `/v2/tag-groups/${ids.newGroup}/public`, body: null });
  });
});

// ---------------------------------------------------------------------------------------------
// Error paths. Each failing call must be a tool result with isError (never a protocol error),
// carry the HTTP status / cause and the next step, and never the key.

async function failing(client, name, args) {
  const r = await client.callTool({ name, arguments: args });
  assert.equal(r.isError, true, `${name} should fail: ${resultText(r)}`);
  const text = resultText(r);
  for (const k of Object.values(KEYS)) assert.ok(!text.includes(k), `${name}: the key leaked into the error text`);
  return text;
}

async function freePort() {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

const INJECTIONS = ['../../bots/public', 'a/b?c#d', 'x\r\nX-Evil: 1'];

describe('error paths against the same sandbox', () => {
  test('401: revoked key → isError naming 401 and how to replace the key', async () => {
    const c = await connectWarm(KEYS.revoked);
    try {
      const mark = sim.mark();
      const text = await failing(c.client, 'list_agents', {});
      assert.match(text, /401/);
      assert.match(text, /revoked|invalid/i);
      assert.match(text, /FINI_API_KEY|login/);
      const recs = await sim.since(mark);
      assert.ok(recs.length >= 1);
      for (const r of recs) assert.equal(r.status, 401, JSON.stringify(r));
      assert.equal(recs.at(-1).operationId, 'listAgents');
    } finally { await c.close(); }
  });

  test('403: read-only key on a write tool → isError naming 403 and the write scope', async () => {
    const c = await connectWarm(KEYS.read, ['--show-all-tools']);
    try {
      const mark = sim.mark();
      const text = await failing(c.client, 'create_tag_group', { title: 'should not exist' });
      assert.match(text, /403/);
      assert.match(text, /'write' scope/);
      const recs = await sim.since(mark);
      const call = recs.filter((r) => r.operationId === 'createTagGroup');
      assert.equal(call.length, 1, JSON.stringify(recs));
      assert.equal(call[0].status, 403);
    } finally { await c.close(); }
  });

  test('400: the sandbox rejects a 100-day window; the API message reaches the model', async () => {
    const until = Date.now();
    const since = until - 100 * 86400000;
    const mark = sim.mark();
    const text = await failing(s.client, 'list_conversations', { since, until });
    const recs = await sim.since(mark);
    assert.equal(recs.length, 1);
    assert.equal(recs[0].status, 400);
    assert.deepEqual(recs[0].query, { since: String(since), until: String(until) });
    assert.match(text, /400/);
    assert.match(text, /90/, 'the API message (max 90 days) is passed on');
  });

  test('argument validation: isError naming the field, and NO request reaches the sandbox', async () => {
    const mark = sim.mark();
    const cases = [
      ['get_conversation', {}, /conversationId/],
      ['list_conversations', { limit: 500 }, /limit/],
      ['list_conversations', { direction: 'sideways' }, /direction/],
      ['create_tag_group', { title: 'x', bogus: 1 }, /bogus/],
      ['bulk_delete_conversations', { conversationIds: [] }, /conversationIds/],
      ['list_provider_resources', { provider: 'dropbox' }, /provider/],
      ['generate_answer', { content: 42 }, /content/],
    ];
    for (const [name, args, field] of cases) {
      const text = await failing(s.client, name, args);
      assert.match(text, field, `${name} ${JSON.stringify(args)}: ${text}`);
      assert.match(text, /^Invalid arguments for /, text);
    }
    // A valid marker call: it must be the only request logged since the mark.
    await s.client.callTool({ name: 'list_tag_groups', arguments: {} });
    const recs = await sim.since(mark);
    assert.deepEqual(recs.map((r) => r.operationId), ['listTagGroups']);
  });

  for (const id of INJECTIONS) {
    test(`path injection (raw request line): conversationId ${JSON.stringify(id)} is sent as ONE percent-encoded segment`, async () => {
      const stub = await startStub();
      const c = await connect({ dir, args: ['--base-url', stub.url], env: { FINI_API_KEY: KEYS.rw } });
      try {
        await c.client.callTool({ name: 'get_conversation', arguments: { conversationId: id } });
        const sent = stub.requests.filter((r) => r.url.startsWith('/v2/hc-interactions/'));
        assert.equal(sent.length, 1, JSON.stringify(stub.requests));
        const m = sent[0].url.match(/^\/v2\/hc-interactions\/([^/?#]+)\/public$/);
        assert.ok(m, `request target ${JSON.stringify(sent[0].url)} is not /v2/hc-interactions/<one segment>/public`);
        assert.equal(decodeURIComponent(m[1]), id);
        assert.ok(!stub.requests.some((r) => 'x-evil' in (r.headers ?? {})), 'no injected header');
      } finally { await c.close(); await stub.stop(); }
    });
  }

  for (const id of INJECTIONS) {
    test(`path injection: conversationId ${JSON.stringify(id)} stays ONE segment of the conversation route`, async () => {
      const mark = sim.mark();
      const r = await s.client.callTool({ name: 'get_conversation', arguments: { conversationId: id } });
      // The 500 is this route's answer for an unknown id: one more read of the id confirms it
      // before "No such conversation", so two identical requests.
      const recs = await sim.since(mark, { min: 2 });
      assert.equal(recs.length, 2, `the call and the confirming read: ${JSON.stringify(recs)}`);
      for (const rec of recs) {
        assert.notEqual(rec.operationId, 'listAgents', 'reached the bots route');
        assert.equal(rec.method, 'GET');
        assert.equal(rec.operationId, 'getConversation', `routed as the conversation route with one id segment; sandbox logged ${JSON.stringify(rec)}`);
        assert.deepEqual(rec.query, {}, 'nothing leaked into the query');
      }
      assert.equal(recs[1].path, recs[0].path);
      assert.equal(r.isError, true, 'unknown id fails');
    });
  }
});

describe('error paths with a faulty or missing upstream', () => {
  const connectTo = (url, args = [], key = KEYS.rw) =>
    connect({ dir, args: ['--base-url', url, '--ca-file', pki.caFile, '--no-export-tools', ...args], env: { FINI_API_KEY: key } });

  test('5xx: --error-rate 1:503 → isError with 503, retryable', async () => {
    const bad = await startSim({ dir, pki, args: ['--error-rate', '1:503'] });
    const c = await connectTo(bad.url);
    try {
      const text = await failing(c.client, 'list_agents', {});
      assert.match(text, /503/);
      assert.match(text, /retryable/i);
    } finally { await c.close(); await bad.stop(); }
  });

  test('429: --rate-limit with Retry-After → isError with 429 and the wait', async () => {
    // Burst 1: the first call spends it (nothing is sent besides the user's calls); the next one
    // is told to wait 100 s, longer than fini-mcp waits by itself, so the model hears the wait.
    const bad = await startSim({ dir, pki, args: ['--rate-limit', '0.01:1'] });
    const c = await connectTo(bad.url);
    try {
      const first = await c.client.callTool({ name: 'list_agents', arguments: {} });
      assert.notEqual(first.isError, true, resultText(first));
      const text = await failing(c.client, 'list_agents', {});
      assert.match(text, /429/);
      assert.match(text, /retryable after \d+ s/i);
    } finally { await c.close(); await bad.stop(); }
  });

  test('timeout: --latency-ms 3000 with --call-timeout-ms 1000 → isError within ~1 s (retries included)', async () => {
    const slow = await startSim({ dir, pki, args: ['--latency-ms', '3000'] });
    const c = await connectTo(slow.url, ['--read-timeout-ms', '500', '--call-timeout-ms', '1000']);
    try {
      const t0 = Date.now();
      const text = await failing(c.client, 'list_agents', {});
      const ms = Date.now() - t0;
      assert.match(text, /in time|timed? ?out/i);
      assert.ok(ms < 2500, `answered after ${ms} ms`);
    } finally { await c.close(); await slow.stop({ force: true }); }
  });

  test('connection refused (a closed port) → isError, retryable', async () => {
    const port = await freePort();
    const c = await connectTo(`https://127.0.0.1:${port}`);
    try {
      const text = await failing(c.client, 'list_agents', {});
      assert.match(text, /refused|connect/i);
      assert.match(text, /retryable/i);
    } finally { await c.close(); }
  });

  test('TLS verification is on: without --ca-file the test CA is not trusted', async () => {
    const mark = sim.mark();
    const c = await connect({ dir, args: ['--base-url', sim.url], env: { FINI_API_KEY: KEYS.rw } });
    try {
      const text = await failing(c.client, 'list_agents', {});
      assert.match(text, /certificate|TLS|SSL|verif/i);
      const recs = await sim.since(mark, { min: 1, timeoutMs: 300 });
      assert.deepEqual(recs, [], 'no request got through the failed handshake');
    } finally { await c.close(); }
  });

  test('a write call after the kept-alive HTTPS connection idled out (server keep-alive 5 s) still succeeds', async () => {
    const c = await connectWarm(KEYS.rw);
    try {
      await sleep(5500);
      const r = await c.client.callTool({ name: 'create_tag_group', arguments: { title: 'after idle' } });
      assert.notEqual(r.isError, true, `the first POST after an idle period failed: ${resultText(r)}`);
      const id = payload(r).id;
      await c.client.callTool({ name: 'delete_tag_group', arguments: { tagGroupId: id } });
    } finally { await c.close(); }
  });

  test('--read-only hides every write tool and refuses them', async () => {
    const endpoints = readJson(CONTRACT_ENDPOINTS).endpoints;
    const readTools = endpoints.filter((e) => e.scope === 'read').map((e) => e.tool).sort();
    const c = await connectTo(sim.url, ['--read-only']);
    try {
      const { tools } = await listAllTools(c.client);
      assert.deepEqual(tools.map((t) => t.name).sort(), readTools);
      for (const t of tools) assert.equal(t.annotations.readOnlyHint, true, t.name);
      const mark = sim.mark();
      let refused = false;
      try {
        const r = await c.client.callTool({ name: 'create_tag_group', arguments: { title: 'nope' } });
        refused = r.isError === true;
      } catch (e) { refused = e.code === -32602; }
      assert.ok(refused, 'a hidden write tool cannot be called');
      const recs = await sim.since(mark, { min: 1, timeoutMs: 300 });
      assert.deepEqual(recs, []);
    } finally { await c.close(); }
  });
});

test(`coverage: all ${MANIFEST_COUNT} listed tools were called`, async () => {
  const { tools } = await listAllTools(s.client);
  assert.equal(tools.length, MANIFEST_COUNT);
  const missing = tools.map((t) => t.name).filter((n) => !called.has(n));
  assert.deepEqual(missing, []);
  assert.deepEqual(s.errors, [], 'no transport/protocol errors in the whole session');
});
