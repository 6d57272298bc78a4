// Modern-era e2e: MCP revision 2026-07-28 ("modern era") against the real binary and fini-sim,
// over stdio and over `serve --http`, with the small schema-following client in lib/modern.mjs
// (the pinned SDK 1.32.2 has no modern-era client). server/discover, tools/list, every read tool,
// the key asked through an input-required result (stdio: a URL elicitation to the local key
// page; the call completes on the retry), a destructive tool's confirmation round trip (accept
// sends, decline sends nothing), the revision's errors, and no server→client request ever.
// The legacy era keeps working in the same process (dual-era per message).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEYS, MANIFEST_COUNT, REPO, TOOL_COUNT, scratchDir } from './lib/env.mjs';
import { startHttpServer } from './lib/http.mjs';
import { MODERN, modernHttp, modernMeta, startModernStdio } from './lib/modern.mjs';
import { callEveryReadTool } from './lib/read-tools.mjs';
import { signIn } from './lib/oauth.mjs';
import { createHash, randomBytes } from 'node:crypto';
import { startSim } from './lib/sim.mjs';

const dir = scratchDir('modern');
const RULE_DRAFT = 'ac0e0000-0000-4000-8000-000000000006';
const AGENT = 'ac0a0000-0000-4000-8000-000000000001';
const PAGE_URL = /^http:\/\/127\.0\.0\.1:\d+\/key\/[0-9a-f]{64}$/;
let sim;  // each describe has its own sandbox (the confirmation publishes the draft rule)

const textOf = (result) => (result?.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
const sent = (entries, method, part) => entries.filter((e) => e.method === method && String(e.path ?? e.url ?? '').includes(part));

// A browser on the key page: GET the form, POST the key with its CSRF token.
async function pasteKey(url, key) {
  const form = await fetch(url);
  const csrf = /name="csrf" value="([0-9a-f]+)"/.exec(await form.text())?.[1];
  assert.ok(csrf, 'the key page form carries a CSRF token');
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(url).origin },
    body: new URLSearchParams({ csrf, key }).toString(),
  });
  assert.equal(res.status, 200, await res.text());
}

function assertComplete(out, what) {
  assert.ok(out.reply?.result, `${what}: ${JSON.stringify(out.reply).slice(0, 400)}`);
  assert.equal(out.reply.result.resultType, 'complete', what);
  assert.equal(out.reply.result._meta?.['io.modelcontextprotocol/serverInfo']?.name, 'fini-mcp', what);
  return out.reply.result;
}

async function discoverAndList(c, toolCount) {
  const d = assertComplete(await c.request('server/discover'), 'server/discover');
  assert.ok(d.supportedVersions.includes(MODERN) && d.supportedVersions.includes('2025-11-25'));
  assert.ok(d.capabilities.tools && d.capabilities.prompts && d.capabilities.resources);
  assert.equal(typeof d.ttlMs, 'number');
  const list = assertComplete(await c.request('tools/list'), 'tools/list');
  assert.equal(list.tools.length, toolCount);
  assert.equal(list.cacheScope, 'private');
  const prompts = assertComplete(await c.request('prompts/list'), 'prompts/list');
  assert.ok(prompts.prompts.length > 0);
  return list.tools;
}

// Every read tool of the surface, with ids taken from earlier answers, each reaching the sandbox.
async function callEveryReadToolModern(c, tools, t) {
  const call = async (name, args) => {
    const mark = sim.mark();
    const out = await c.request('tools/call', { name, arguments: args });
    const r = assertComplete(out, name);
    assert.ok((await sim.since(mark, { min: 1 })).length >= 1, `${name} reached the sandbox: ${JSON.stringify(r).slice(0, 500)}`);
    return r;
  };
  const { reads } = await callEveryReadTool(tools, call);
  t.diagnostic(`${reads.length} read tools called in the modern era`);
}

// publish_rule_draft asks first; accept (on the retry) sends it, decline sends nothing.
async function confirmationRoundTrip(c) {
  const form = { elicitation: { form: {} } };
  const args = { name: 'publish_rule_draft', arguments: { ruleId: RULE_DRAFT, agentIds: [AGENT] } };
  let mark = sim.mark();
  const asked = await c.request('tools/call', args, { capabilities: form });
  const ir = asked.reply.result;
  assert.equal(ir.resultType, 'input_required', JSON.stringify(asked.reply));
  const [key, ask] = Object.entries(ir.inputRequests)[0];
  assert.equal(ask.method, 'elicitation/create');
  assert.equal(ask.params.message, `Publish rule ${RULE_DRAFT} live for agent(s) ${AGENT}?`);
  assert.equal(ask.params.requestedSchema.properties.confirm.type, 'boolean');
  assert.equal(typeof ir.requestState, 'string');
  assert.equal(sent(sim.entries().slice(mark), 'POST', '/publish').length, 0, 'nothing sent before the answer');

  // A tampered state is refused: an error, not a result, and nothing sent.
  const tampered = await c.raw('tools/call', { ...args, inputResponses: { [key]: { action: 'accept', content: { confirm: true } } },
    requestState: `${ir.requestState}-TAMPERED`, _meta: modernMeta(form) });
  assert.equal(tampered.reply.error?.code, -32602);

  const declined = await c.request('tools/call', args, { capabilities: form, answer: () => ({ [key]: { action: 'decline' } }) });
  const d = assertComplete(declined, 'declined');
  assert.equal(d.isError, true);
  assert.match(textOf(d), /^Not done: the user declined .*Nothing was sent to Fini\.$/s);
  assert.equal(sent(sim.entries().slice(mark), 'POST', '/publish').length, 0, 'decline sends nothing');

  mark = sim.mark();
  const accepted = await c.request('tools/call', args, { capabilities: form,
    answer: (requests) => Object.fromEntries(Object.keys(requests).map((k) => [k, { action: 'accept', content: { confirm: true } }])) });
  assert.equal(accepted.rounds.length, 2);
  const a = assertComplete(accepted, 'accepted');
  assert.ok(!a.isError, textOf(a));
  assert.equal(sent(await sim.since(mark), 'POST', `/v2/hc-rules/${RULE_DRAFT}/publish/public`).length, 1);
}

function assertNoServerRequests(messages) {
  const requests = messages.filter((m) => 'method' in m && 'id' in m);
  assert.deepEqual(requests, [], 'the server sent no request to the client');
}

describe('modern era over stdio', () => {
  let s;
  before(async () => {
    sim = await startSim({ dir });
    const home = join(dir, 'stdio-home');
    mkdirSync(home, { recursive: true });
    // No key anywhere: the first call must ask for it.
    s = startModernStdio({ dir, args: ['--base-url', sim.url], env: { XDG_CONFIG_HOME: join(home, 'config') } });
  });
  after(async () => {
    const { code } = await s.stop();
    assert.equal(code, 0);
    for (const key of Object.values(KEYS)) assert.ok(!s.stderrText().includes(key), 'no key on stderr');
    assert.ok(!JSON.stringify(s.messages).includes(KEYS.rw), 'no key on stdout');
    await sim.stop();
  });

  test('errors of the revision: bad _meta, unsupported version, removed methods', async () => {
    // The era is told by _meta: without it, server/discover is a legacy message (-32601).
    assert.equal((await s.raw('server/discover', {})).reply.error.code, -32601);
    const noCaps = await s.raw('server/discover', { _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN } });
    assert.equal(noCaps.reply.error.code, -32602);
    const v999 = await s.request('tools/list', {}, { meta: { 'io.modelcontextprotocol/protocolVersion': 'v999.0.0' } });
    assert.equal(v999.reply.error.code, -32022);
    assert.equal(v999.reply.error.data.requested, 'v999.0.0');
    assert.ok(v999.reply.error.data.supported.includes(MODERN));
    for (const m of ['initialize', 'ping', 'logging/setLevel', 'no/such']) {
      assert.equal((await s.request(m)).reply.error.code, -32601, m);
    }
  });

  test('the key is asked through an input-required result; the retry completes the call', async () => {
    const caps = { elicitation: { url: {}, form: {} } };
    const first = await s.request('tools/call', { name: 'list_agents', arguments: {} }, { capabilities: caps });
    const ir = first.reply.result;
    assert.equal(ir.resultType, 'input_required', JSON.stringify(first.reply));
    const [key, ask] = Object.entries(ir.inputRequests)[0];
    assert.equal(ask.method, 'elicitation/create');
    assert.equal(ask.params.mode, 'url');
    assert.match(ask.params.url, PAGE_URL);
    assert.equal(ask.params.elicitationId, undefined, 'no elicitationId in 2026-07-28');
    await pasteKey(ask.params.url, KEYS.rw);   // the user, in a browser
    // The retry: same method and params, a new id, the answer and the state echoed.
    const retry = await s.raw('tools/call', { name: 'list_agents', arguments: {}, inputResponses: { [key]: { action: 'accept' } },
      requestState: ir.requestState, _meta: modernMeta(caps) });
    assert.notEqual(retry.reply.id, first.reply.id);
    const done = assertComplete(retry, 'list_agents after the key');
    assert.ok(!done.isError, textOf(done));
    assert.match(textOf(done), /Support Agent/);
    assertNoServerRequests(s.messages);
  });

  test('discover, list, every read tool, confirmation round trip', async (t) => {
    const tools = await discoverAndList(s, TOOL_COUNT);
    await callEveryReadToolModern(s, tools, t);
    await confirmationRoundTrip(s);
    assertNoServerRequests(s.messages);
  });

  test('the README\'s server/discover example, sent as is, is answered', async () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Protocol revisions'));
    const line = /```jsonl\n(.*)\n```/.exec(section)?.[1];
    assert.ok(line, 'README has the example');
    const example = JSON.parse(line);
    const out = await s.raw(example.method, example.params);
    const d = assertComplete(out, 'README example');
    assert.deepEqual(d.supportedVersions.slice(0, 2), [MODERN, '2025-11-25']);
  });

  test('a legacy initialize in the same process still works (dual era per message)', async () => {
    const init = await s.raw('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'legacy', version: '0' } });
    assert.equal(init.reply.result.protocolVersion, '2025-11-25');
    assert.equal(init.reply.result.serverInfo.name, 'fini-mcp');
    s.writeLine({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const legacyList = await s.raw('tools/list', {});
    assert.equal(legacyList.reply.result.tools.length, TOOL_COUNT);
    assert.equal(legacyList.reply.result.resultType, undefined, 'legacy results stay legacy');
    assertComplete(await s.request('tools/list'), 'modern after legacy');
  });
});

describe('modern era over --http', () => {
  let srv;
  before(async () => {
    sim = await startSim({ dir });
    srv = await startHttpServer({ dir, args: ['--base-url', sim.url] });
  });
  after(async () => {
    await sim.stop();
    const { code } = await srv.stop();
    assert.equal(code, 0);
    for (const key of Object.values(KEYS)) assert.ok(!srv.stderrText().includes(key), 'no key on stderr');
  });

  test('no session: discover, list, every read tool, confirmation round trip', async (t) => {
    const c = modernHttp(srv.url, KEYS.rw);
    const tools = await discoverAndList(c, MANIFEST_COUNT);  // export tools are stdio-only
    await callEveryReadToolModern(c, tools, t);
    await confirmationRoundTrip(c);
    for (const p of c.posts) assert.equal(p.headers.get('mcp-session-id'), null);
    assert.ok(c.posts.every((p) => p.status === 200), 'every modern answer above was 200');
  });

  // Over HTTP the key is never asked inside a result: the request's 401 sends the client to the
  // OAuth sign-in page, where the user pastes it once; the call then completes with
  // the token. (stdio asks through an input-required URL elicitation instead: above.)
  test('the key asked through sign-in: 401 challenge, sign-in page, the call completes with the token', async () => {
    const args = { name: 'list_agents', arguments: {} };
    const first = await modernHttp(srv.url, null).request('tools/call', args);
    assert.equal(first.status, 401);
    const base = new URL(srv.url).origin;
    assert.match(first.headers.get('www-authenticate'), new RegExp(`resource_metadata="${base}/\\.well-known/oauth-protected-resource/mcp"`));
    const redirect = 'http://127.0.0.1:1/cb';
    const reg = await (await fetch(`${base}/register`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'modern e2e', redirect_uris: [redirect], token_endpoint_auth_method: 'none' }) })).json();
    const verifier = randomBytes(32).toString('base64url');
    const q = new URLSearchParams({ response_type: 'code', client_id: reg.client_id, redirect_uri: redirect, state: 's1',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', resource: `${base}/mcp` });
    const signed = await signIn(`${base}/authorize?${q}`, KEYS.rw);
    const code = new URL(signed.location).searchParams.get('code');
    const token = await (await fetch(`${base}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: reg.client_id, code_verifier: verifier }) })).json();
    assert.ok(token.access_token, JSON.stringify(token).slice(0, 200));
    const mark = sim.mark();
    const done = assertComplete(await modernHttp(srv.url, token.access_token).request('tools/call', args), 'list_agents with the token');
    assert.ok(!done.isError, textOf(done));
    assert.match(textOf(done), /Support Agent/);
    assert.ok((await sim.since(mark, { min: 1 })).length >= 1, 'the call reached the sandbox');
  });

  test('a requestState is bound to its caller: another key cannot use it', async () => {
    const args = { name: 'publish_rule_draft', arguments: { ruleId: RULE_DRAFT, agentIds: [AGENT] } };
    const form = { elicitation: { form: {} } };
    const asked = await modernHttp(srv.url, KEYS.rw).request('tools/call', args, { capabilities: form });
    const ir = asked.reply.result;
    assert.equal(ir.resultType, 'input_required');
    const [key] = Object.keys(ir.inputRequests);
    const mark = sim.mark();
    const stolen = await modernHttp(srv.url, KEYS.globexRw).raw('tools/call', { ...args,
      inputResponses: { [key]: { action: 'accept', content: { confirm: true } } }, requestState: ir.requestState, _meta: modernMeta(form) });
    assert.equal(stolen.reply.error?.code, -32602, JSON.stringify(stolen.reply));
    assert.equal(sent(sim.entries().slice(mark), 'POST', '/publish').length, 0);
  });

  test('header and version rules: 400/-32020, 400/-32022, 404/-32601, 401 with the id', async () => {
    const wrongName = await modernHttp(srv.url, KEYS.rw, { headers: { 'mcp-name': 'delete_agent' } })
      .request('tools/call', { name: 'list_agents', arguments: {} });
    assert.equal(wrongName.status, 400);
    assert.equal(wrongName.reply.error.code, -32020);
    const mismatch = await modernHttp(srv.url, KEYS.rw, { headers: { 'mcp-protocol-version': '2025-11-25' } }).request('tools/list');
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.reply.error.code, -32020);
    const v999 = await modernHttp(srv.url, KEYS.rw).request('tools/list', {}, { meta: { 'io.modelcontextprotocol/protocolVersion': 'v999.0.0' } });
    assert.equal(v999.status, 400);
    assert.equal(v999.reply.error.code, -32022);
    const removed = await modernHttp(srv.url, KEYS.rw).request('ping');
    assert.equal(removed.status, 404);
    assert.equal(removed.reply.error.code, -32601);
    const noKey = await modernHttp(srv.url, null).request('tools/call', { name: 'list_agents', arguments: {} });
    assert.equal(noKey.status, 401);
    // The OAuth challenge (sign-in is on by default with --http), as for a 2025-11-25 request.
    assert.equal(noKey.headers.get('www-authenticate'),
      `Bearer resource_metadata="${new URL(srv.url).origin}/.well-known/oauth-protected-resource/mcp", scope="mcp"`);
    assert.equal(noKey.reply.error.code, -32001);
    assert.match(String(noKey.reply.id), /^m\d+$/, 'a modern error echoes the request id');
  });

  test('a slow call streams progress on its own SSE stream before the result', async () => {
    const slowSim = await startSim({ dir, args: ['--latency-ms', '1500'] });
    const slow = await startHttpServer({ dir, args: ['--base-url', slowSim.url] });
    try {
      const out = await modernHttp(slow.url, KEYS.rw).request('tools/call', { name: 'list_agents', arguments: {} }, { meta: { progressToken: 'p1' } });
      assert.equal(out.headers.get('content-type'), 'text/event-stream');
      assert.ok(!assertComplete(out, 'list_agents with progress').isError);
      assert.ok(out.notes.length >= 1, 'progress arrived before the result');
      for (const n of out.notes) {
        assert.equal(n.method, 'notifications/progress');
        assert.equal(n.params.progressToken, 'p1');
      }
      assert.match(out.notes[0].params.message, /waiting for Fini/);
    } finally {
      assert.equal((await slow.stop()).code, 0);
      await slowSim.stop({ force: true });
    }
  });
});
