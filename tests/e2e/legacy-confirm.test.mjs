// Confirmations over stateless HTTP for 2025-11-25 clients (--legacy-confirm): such a client
// cannot be asked mid-call, so the flag decides. refuse → a destructive call gets a result that
// says how to confirm and nothing reaches the sandbox, while a 2026-07-28 client on the same
// server is asked the question and a non-destructive write still runs; host (the default) → the
// call runs (the host's own approval prompt, from destructiveHint, is the confirmation).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS, scratchDir } from './lib/env.mjs';
import { post, startHttpServer } from './lib/http.mjs';
import { modernHttp } from './lib/modern.mjs';
import { startSim } from './lib/sim.mjs';

const CONV = '00000000-0000-4000-8000-000000000003';
let dir, sim;

before(async () => {
  dir = scratchDir('legacy-confirm');
  sim = await startSim({ dir });
});
after(async () => { await sim?.stop(); });

const call = (url, name, args, id = 1) => post(url, { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } },
  { authorization: `Bearer ${KEYS.rw}` });
const text = (r) => r.json.result.content.map((c) => c.text).join('\n');
const deletes = (entries) => entries.filter((e) => e.method === 'DELETE');

async function withServer(args, fn) {
  const server = await startHttpServer({ dir, args: ['--base-url', sim.url, ...args] });
  try { await fn(server.url); } finally { await server.stop(); }
}

test('--legacy-confirm refuse: a 2025-11-25 destructive call is refused with how to confirm; nothing is sent', async () => {
  await withServer(['--legacy-confirm', 'refuse'], async (url) => {
    const mark = sim.mark();
    const r = await call(url, 'delete_conversation', { conversationId: CONV });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.result.isError, true, r.text);
    assert.match(text(r), /^Not done: delete_conversation needs the user's confirmation \("Delete conversation 0{8}-0000-4000-8000-000000000003\?.*"\).*--legacy-confirm refuse\. Nothing was sent to Fini\. .*2026-07-28.*stdio\.$/s);
    // A non-destructive write still runs; its entry also proves the sandbox log is live.
    const created = await call(url, 'create_tag_group', { title: 'legacy-confirm refuse' }, 2);
    assert.equal(created.json.result.isError, undefined, created.text);
    const entries = await sim.since(mark);
    assert.equal(entries.filter((e) => e.method === 'POST').length, 1, JSON.stringify(entries));
    assert.equal(deletes(entries).length, 0, JSON.stringify(entries));
  });
});

test('--legacy-confirm refuse: a 2026-07-28 client on the same server is asked the question', async () => {
  await withServer(['--legacy-confirm', 'refuse'], async (url) => {
    const m = modernHttp(url, KEYS.rw);
    const mark = sim.mark();
    const asked = await m.request('tools/call', { name: 'delete_conversation', arguments: { conversationId: CONV } },
      { capabilities: { elicitation: { form: {} } } });
    const ir = asked.reply.result;
    assert.equal(ir.resultType, 'input_required', JSON.stringify(asked.reply));
    const [, ask] = Object.entries(ir.inputRequests)[0];
    assert.match(ask.params.message, /^Delete conversation 0{8}-0000-4000-8000-000000000003\?/);
    await call(url, 'list_agents', {}, 3);
    assert.equal(deletes(await sim.since(mark)).length, 0);
  });
});

test('--legacy-confirm host (the default): the 2025-11-25 destructive call runs', async () => {
  await withServer([], async (url) => {
    const mark = sim.mark();
    const r = await call(url, 'delete_conversation', { conversationId: CONV });
    assert.equal(r.json.result.isError, undefined, r.text);
    assert.equal(deletes(await sim.since(mark)).filter((e) => String(e.path).includes(`/v2/hc-interactions/${CONV}`)).length, 1);
  });
});

test('--legacy-confirm takes only host or refuse', async () => {
  const server = startHttpServer({ dir, args: ['--base-url', sim.url, '--legacy-confirm', 'ask'], startTimeoutMs: 5000 });
  await assert.rejects(server, /exited/);
});
