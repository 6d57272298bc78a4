// Each skill's main workflow as a scripted scenario: the sequence of calls the skill prescribes,
// run by run_skill_examples.mjs against a fresh sandbox (clock pinned at SANDBOX_NOW_MS). A
// manifest change that breaks a skill's workflow fails here. call(name, args) returns the
// structuredContent and throws with the tool's error text on isError.
import assert from 'node:assert/strict';

const DAY = 86400000;
const NOW = 1780272000000; // keep equal to SANDBOX_NOW_MS
const SUPPORT_AGENT = 'ac0a0000-0000-4000-8000-000000000001';

// Polls a job-like state the way the skills say (the sandbox moves jobs on its own clock).
async function poll(what, fn, { tries = 200 } = {}) {
  for (let i = 0; i < tries; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`${what}: still not done after ${tries} polls`);
}

async function exportWindow(call, args) {
  const seen = new Map();
  let page = await call('list_conversations', { ...args, limit: 100 });
  for (;;) {
    for (const c of page.interactions) seen.set(c.id, c);
    if (!page.hasMore || !page.nextCursor) return [...seen.values()];
    page = await call('list_conversations', { ...args, limit: 100, cursor: page.nextCursor, direction: 'next' });
  }
}

async function settled(call, sourceId) {
  return poll(`source ${sourceId}`, async () => {
    const s = await call('get_source', { sourceId });
    return ['COMPLETED', 'FAILED'].includes(s.linkedJobStatus) ? s : null;
  });
}

export const WORKFLOWS = {
  // Resolve the agent, post the customer's message, find the new conversation, continue it.
  async 'answer-customer'(call) {
    const { agents } = await call('list_agents');
    const agent = agents.find((a) => a.id === SUPPORT_AGENT);
    assert.ok(agent, 'the Support Agent is listed');
    const first = await call('generate_answer', { agentId: agent.id, content: 'Where is my order #1234?' });
    assert.ok(first.events.length >= 2, 'the message and the AI reply');
    const page = await call('list_conversations', { agentId: agent.id, source: ['api'], since: NOW - DAY, until: NOW + DAY });
    const conv = page.interactions[0];
    assert.ok(conv, 'the new conversation is listed');
    const next = await call('generate_answer', { conversationId: conv.id, content: 'Thanks! And the return window?' });
    assert.ok(next.events.length >= 2);
  },

  // Find test traffic in a window, delete it in bulk, check it is gone.
  async 'cleanup-test-conversations'(call) {
    const window = { since: NOW - 30 * DAY, until: NOW, source: ['api'] };
    const before = await exportWindow(call, window);
    assert.ok(before.length > 0, 'test conversations to clean up');
    const ids = before.slice(0, 50).map((c) => c.id);
    await call('bulk_delete_conversations', { conversationIds: ids });
    const after = await exportWindow(call, window);
    assert.equal(after.filter((c) => ids.includes(c.id)).length, 0, 'deleted ids no longer listed');
  },

  // 90 days in 30-day windows, page by page (next = older), de-duplicated by id.
  async 'export-conversations'(call) {
    const all = new Map();
    for (let end = NOW; end > NOW - 90 * DAY; end -= 30 * DAY) {
      for (const c of await exportWindow(call, { since: end - 30 * DAY, until: end, source: ['zendesk', 'intercom'] })) all.set(c.id, c);
    }
    assert.ok(all.size > 0, 'conversations exported');
    for (const c of all.values()) assert.ok(['zendesk', 'intercom'].includes(c.source), `source filter holds: ${c.source}`);
    const one = await call('get_conversation', { conversationId: [...all.keys()][0] });
    assert.ok(Array.isArray(one.events));
  },

  // First contact: list agents, read one thing, and see the unknown-id rule in action.
  async 'fini-api-essentials'(call) {
    const { agents } = await call('list_agents');
    assert.ok(agents.length > 0);
    await assert.rejects(call('get_conversation', { conversationId: '00000000-0000-4000-8000-000000000000' }), /No such conversation; list them with list_conversations/);
    const page = await call('list_conversations', { limit: 5 });
    assert.ok(Array.isArray(page.interactions));
  },

  // Discover → register → ingest → poll.
  async 'import-connected-sources'(call) {
    const { resources } = await call('list_provider_resources', { provider: 'notion' });
    assert.ok(resources.length > 0, 'not-yet-imported Notion pages');
    const reg = await call('register_provider_resources', { provider: 'notion', resources: resources.slice(0, 2) });
    const ids = [...(reg.addedDocumentIds ?? []), ...(reg.updatedDocumentIds ?? [])];
    assert.ok(ids.length > 0, 'registered ids');
    await call('ingest_sources', { source: 'notion', sourceIdsToAdd: ids });
    for (const id of ids) assert.ok((await settled(call, id)).linkedJobStatus);
  },

  // Crawl → ingest URLs → poll → generate drafts → poll the jobs.
  async 'ingest-web-knowledge'(call) {
    const crawl = await call('crawl_links', { links: ['https://help.acme.test/'], limit: 5 });
    assert.ok(crawl.data.length > 0, 'crawled URLs');
    const ingest = await call('ingest_sources', { source: 'web', sourceIdsToAdd: crawl.data.slice(0, 2) });
    const ids = [...(ingest.addedDocumentIds ?? []), ...(ingest.updatedDocumentIds ?? [])];
    assert.ok(ids.length > 0, 'queued sources');
    const done = [];
    for (const id of ids) if ((await settled(call, id)).linkedJobStatus === 'COMPLETED') done.push(id);
    assert.ok(done.length > 0, 'at least one source ingested');
    const { jobs } = await call('bulk_generate_knowledge', { sourceIds: done, origin: 'sources' });
    const jobIds = jobs.map((j) => j.backgroundJobId);
    await poll('knowledge jobs', async () => {
      const s = await call('check_knowledge_jobs', { jobIds });
      return s.jobs.every((j) => j.jobStatus === 'COMPLETED') ? s : null;
    });
  },

  // Find the article, fork a draft, edit it, publish it over the original.
  async 'maintain-articles'(call) {
    const { articles } = await call('list_articles', { type: 'live' });
    const article = articles.find((a) => a.title === 'Return policy');
    assert.ok(article, 'the Return policy article');
    const fields = { title: article.title, mainKnowledge: `${article.mainKnowledge} Sale items can be returned within 14 days.`,
      agentInstruction: article.agentInstruction ?? '', questions: article.questions ?? [], keywords: article.keywords ?? [], escalation: false };
    const { draft } = await call('create_article_draft', { articleId: article.id, ...fields });
    assert.ok(draft?.id, 'a draft');
    await call('publish_article_draft', { articleId: draft.id, ...fields });
    const { articles: after } = await call('get_articles_by_ids', { articleIds: [article.id] });
    assert.match(after[0].mainKnowledge, /14 days/);
  },

  // Draft from plain language → refine → publish for an agent → read back.
  async 'manage-rules'(call) {
    const draft = await call('create_rule_draft', { behaviorInstructions: 'When a customer asks to change the delivery address, collect the order number and the new address, then escalate.' });
    assert.ok(draft.id && draft.isDraft, 'a draft rule');
    await call('refine_rule_draft', { ruleId: draft.id, refinementInstructions: 'Also ask for a phone number.' });
    await call('publish_rule_draft', { ruleId: draft.id, agentIds: [SUPPORT_AGENT] });
    const rule = await call('get_rule', { ruleId: draft.id });
    assert.equal(rule.isDraft, false);
    assert.deepEqual(rule.botIds, [SUPPORT_AGENT]);
  },

  // Group → tags → rename → remove.
  async 'manage-tags'(call) {
    const { tagGroups } = await call('list_tag_groups');
    assert.ok(tagGroups.length > 0);
    const group = await call('create_tag_group', { title: 'Sentiment', description: 'How the customer feels.', prompt: 'Pick the sentiment of the conversation.', multiselect: false });
    const tag = await call('create_tag', { tagGroupId: group.id, tagName: 'Angry', tagDescription: 'Upset or hostile.' });
    const { tags } = await call('list_tags_in_group', { tagGroupId: group.id });
    assert.ok(tags.some((t) => t.id === tag.id));
    await call('update_tag', { tagId: tag.id, tagName: 'Frustrated', tagDescription: 'Upset or hostile.' });
    await call('delete_tag', { tagId: tag.id });
    await call('delete_tag_group', { tagGroupId: group.id });
  },

  // Read the tree → new folder → move an article in → attach it to an agent.
  async 'organise-knowledge-tree'(call) {
    const tree = await call('get_knowledge_folders');
    assert.ok(tree.snapshotObjV2, 'the tree');
    const folder = await call('create_knowledge_folder', { title: 'Warranty', description: 'Warranty terms and claims.' });
    assert.ok(folder.id, 'the new folder');
    await call('move_article', { articleId: 'ac0b0000-0000-4000-8000-000000000003', parentFolderId: folder.id });
    await call('assign_knowledge_to_agents', { junctions: [{ folderId: folder.id, botId: SUPPORT_AGENT, action: 'ADD' }] });
    const mine = await call('get_knowledge_folders', { agentId: SUPPORT_AGENT });
    assert.match(JSON.stringify(mine.snapshotObjV2), new RegExp(folder.id));
  },

  // Sample a window, pick rated conversations, read one, turn a gap into draft knowledge.
  async 'review-conversation-quality'(call) {
    const sample = await exportWindow(call, { since: NOW - 30 * DAY, until: NOW });
    const rated = sample.filter((c) => c.events.some((e) => e.csatRating !== undefined && e.csatRating !== null));
    assert.ok(rated.length > 0, 'rated conversations in the sample');
    const one = await call('get_conversation', { conversationId: rated[0].id });
    const userEvent = one.events.find((e) => e.role === 'user');
    const job = await call('generate_knowledge', { candidateKnowledge: 'Sale items can be returned within 14 days.', origin: 'inbox', eventId: userEvent.id });
    assert.ok(job.backgroundJobId, 'a draft knowledge job');
  },

  // Read the prompts and history, change one section (all three sent), read back.
  async 'tune-agent-prompts'(call) {
    const current = await call('get_agent_prompts', { agentId: SUPPORT_AGENT });
    const { versions } = await call('get_agent_prompt_history', { agentId: SUPPORT_AGENT });
    assert.ok(versions.length > 0);
    const guideline = [...current.hcGuidelinePrompt, { key: 'refunds', title: 'Refunds', content: 'Never promise a refund date.' }];
    await call('update_agent_prompts', { agentId: SUPPORT_AGENT, hcPlanningPrompt: current.hcPlanningPrompt, hcGuidelinePrompt: guideline, hcChannelPrompt: current.hcChannelPrompt });
    const after = await call('get_agent_prompts', { agentId: SUPPORT_AGENT });
    assert.ok(after.hcGuidelinePrompt.some((s) => s.key === 'refunds'));
  },
};
