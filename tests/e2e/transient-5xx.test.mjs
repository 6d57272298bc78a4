// Honest errors under transient upstream failures, against fini-sim's one-shot route faults
// (--route-fault). A route that answers 500 for unknown ids must not call a transient 500 "No
// such …": one read of the id decides. A write whose earlier attempt got a 2xx (applied, answer
// cut short) and whose retry failed must say it may have been applied.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS, scratchDir } from './lib/env.mjs';
import { connect, resultText } from './lib/mcp.mjs';
import { startSim } from './lib/sim.mjs';

const GROUP = 'ac090000-0000-4000-8000-000000000001';    // acme's own tag group
const MANAGED = 'f1f10000-0000-4000-8000-000000000001';  // Fini-managed: read-only, updates answer 500
const UNKNOWN = '00000000-0000-4000-8000-0000000000aa';
const FOLDER = 'ac0f0000-0000-4000-8000-000000000006';
const dir = scratchDir('transient-5xx');
const open = [];
after(async () => { for (const c of open) await c(); });

async function setup(routeFaults = []) {
  const sim = await startSim({ dir, args: routeFaults.flatMap((f) => ['--route-fault', f]) });
  const s = await connect({ dir, args: ['--base-url', sim.url, '--no-confirm'], env: { FINI_API_KEY: KEYS.rw } });
  open.push(async () => { await s.close(); await sim.stop(); });
  return { sim, s, call: (name, args) => s.client.callTool({ name, arguments: args }) };
}
const routes = (entries) => entries.map((e) => `${e.method} ${e.path} ${e.status}`);

test('a transient 500 on a read is not "No such tag group": the id is read again and the answer is the group', async () => {
  const { sim, call } = await setup([`GET /v2/tag-groups/${GROUP}/public status=500`]);
  const r = await call('get_tag_group', { tagGroupId: GROUP });
  assert.equal(r.isError, undefined, resultText(r));
  assert.equal(r.structuredContent.id, GROUP);
  assert.deepEqual(routes(sim.entries()), [`GET /v2/tag-groups/${GROUP}/public 500`, `GET /v2/tag-groups/${GROUP}/public 200`]);
});

test('a transient 500 on a write: the id exists (one read says so), so no "No such"; an unknown id still gets it', async () => {
  const { sim, call } = await setup([`PUT /v2/tag-groups/${GROUP}/public status=500`]);
  const r = await call('update_tag_group', { tagGroupId: GROUP, title: 'Renamed' });
  assert.equal(r.isError, true);
  assert.doesNotMatch(resultText(r), /No such/);
  assert.match(resultText(r), new RegExp(`^Fini API error 500 \\(PUT /v2/tag-groups/\\{id\\}/public\\) for tag group ${GROUP}, which exists \\(get_tag_group found it\\), so the 500 is not about an unknown id: .* Repeating it is safe\\.$`));
  assert.deepEqual(routes(sim.entries()), [`PUT /v2/tag-groups/${GROUP}/public 500`, `GET /v2/tag-groups/${GROUP}/public 200`]);
  const mark = sim.mark();
  const unknown = await call('update_tag_group', { tagGroupId: UNKNOWN, title: 'x' });
  assert.match(resultText(unknown), /^No such tag group; list them with list_tag_groups/);
  assert.deepEqual(routes(await sim.since(mark, { min: 2 })), [`PUT /v2/tag-groups/${UNKNOWN}/public 500`, `GET /v2/tag-groups/${UNKNOWN}/public 500`]);
  // A Fini-managed group: 500 every time, and it exists: not "No such" either.
  const managed = await call('update_tag_group', { tagGroupId: MANAGED, title: 'x' });
  assert.match(resultText(managed), /which exists .* a change Fini refuses for this item/);
});

test('a 500 on a non-repeatable write for an existing group says it may have been applied', async () => {
  const { call } = await setup([`POST /v2/tag-groups/${GROUP}/tags/public status=500`]);
  const r = await call('create_tag', { tagGroupId: GROUP, tagName: 'Urgent' });
  assert.equal(r.isError, true);
  assert.match(resultText(r), /which exists \(get_tag_group found it\).* It may have been applied anyway: check with list_tag_groups before repeating it\.$/s);
});

test('a write applied with a truncated 200, then retried into a 404, says it may have been applied', async () => {
  const { sim, call } = await setup([`DELETE /v2/hc-folders/${FOLDER}/public malformed`]);
  const r = await call('delete_knowledge_folder', { folderId: FOLDER });
  assert.equal(r.isError, true);
  assert.match(resultText(r), /^An earlier attempt of this call \(DELETE \/v2\/hc-folders\/\{id\}\/public\) got HTTP 200 with an answer that was cut short, so the change may have been applied already; .*\nFini API error 404/);
  assert.deepEqual(routes(sim.entries()), [`DELETE /v2/hc-folders/${FOLDER}/public 200`, `DELETE /v2/hc-folders/${FOLDER}/public 404`]);
});
