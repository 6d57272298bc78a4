// Calls every Fini read tool of a tool list, with ids taken from earlier answers (the sandbox's
// seeded data), whatever the transport or protocol era: `call(name, args)` sends one tools/call,
// checks that it reached the sandbox, and returns its CallToolResult.
import assert from 'node:assert/strict';
import { resultText } from './mcp.mjs';
import { LOCAL_TOOLS } from './env.mjs';

const structured = (r) => r.structuredContent ?? JSON.parse(resultText(r));

// Returns the names of the read tools that exist and the set that was called.
export async function callEveryReadTool(tools, call) {
  const called = new Set();
  const ok = async (name, args) => {
    called.add(name);
    const r = await call(name, args);
    assert.ok(!r.isError, `${name}: ${resultText(r).slice(0, 300)}`);
    return structured(r);
  };
  const agents = await ok('list_agents', {});
  const agentId = agents.agents[0].id;
  await ok('get_agent_prompts', { agentId });
  await ok('get_agent_prompt_history', { agentId });
  const convs = await ok('list_conversations', {});
  await ok('get_conversation', { conversationId: convs.interactions[0].id });
  const sources = await ok('list_sources', {});
  await ok('get_source', { sourceId: sources.documents[0].id });
  await ok('list_provider_resources', { provider: 'notion' });
  const articles = await ok('list_articles', {});
  await ok('get_articles_by_ids', { articleIds: [articles.articles[0].id] });
  const rules = await ok('list_rules', {});
  await ok('get_rule', { ruleId: rules.rules[0].id });
  const groups = await ok('list_tag_groups', {});
  const tagGroupId = groups.tagGroups[0].id;
  await ok('get_tag_group', { tagGroupId });
  await ok('list_tags_in_group', { tagGroupId });
  const tags = await ok('list_tags_across_groups', { tagGroupIds: [tagGroupId] });
  const tagId = tags.tags?.[0]?.id ?? tags.items?.[0]?.id;
  if (tagId) await ok('get_tag', { tagId });
  // An unknown job id: Fini answers (the call reached it); the result explains the status.
  called.add('check_knowledge_jobs');
  await call('check_knowledge_jobs', { jobIds: ['00000000-0000-4000-8000-000000000000'] });
  // The rest take no required arguments. (The local export tools have export.test.mjs.)
  const reads = tools.filter((x) => x.annotations?.readOnlyHint && !LOCAL_TOOLS.includes(x.name)).map((x) => x.name);
  for (const name of reads.filter((n) => !called.has(n) && n !== 'get_tag')) await ok(name, {});
  assert.ok(reads.length >= 15, `${reads.length} read tools`);
  assert.deepEqual(reads.filter((n) => !called.has(n) && !(n === 'get_tag' && !tagId)), [], 'every read tool was called');
  return { reads, called };
}
