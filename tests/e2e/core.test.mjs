// stdio e2e: the stdio server on the wire (a zero-dependency smoke test and the exact error
// channels), through the official SDK client, through the probe, and its shutdown behaviour.
// Upstream is a tiny loopback stub: these tests are about MCP, not the Fini API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { E2E_DIR, KEYS, MANIFESTS, MCP_BIN, TOOL_COUNT, childEnv, scratchDir } from './lib/env.mjs';
import { INIT, INITIALIZED, connect, listAllTools, rawSession, resultText } from './lib/mcp.mjs';
import { startStub } from './lib/stub.mjs';

const dir = scratchDir('core');
const req = (id, method, params) => JSON.stringify(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });

function parseAll(lines) {
  return lines.map((l, i) => {
    try { return JSON.parse(l); } catch { assert.fail(`stdout line ${i + 1} is not JSON: ${JSON.stringify(l)}`); }
  });
}
const byId = (msgs, id) => msgs.filter((m) => 'id' in m && m.id === id);
// Long stdout (tools/list is ~48 KB) would drown the assertion message.
const clip = (lines) => lines.map((l) => (l.length > 160 ? `${l.slice(0, 160)}…(${l.length} bytes)` : l)).join('\n');
function assertOncePerId(msgs, ids, lines) {
  for (const id of ids) {
    assert.equal(byId(msgs, id).length, 1, `request id ${JSON.stringify(id)} must be answered exactly once; stdout:\n${clip(lines)}`);
  }
}

describe('wire: EXTERNAL-TESTS.md §A smoke and error channels', () => {
  test('§A smoke: every stdout line is JSON, -32602 unknown tool, -32700 with id null, exit 0 within 2 s of EOF', async () => {
    const r = await rawSession([
      INIT, INITIALIZED, req(2, 'tools/list'), req(3, 'tools/call', { name: 'nope' }), 'not json',
    ], { env: { FINI_API_KEY: KEYS.rw } });
    const msgs = parseAll(r.lines);
    assert.equal(r.code, 0, `exit code; stderr:\n${r.stderr}`);
    assert.ok(r.exitMs < 2000, `exited ${r.exitMs} ms after EOF`);
    assertOncePerId(msgs, [1, 2, 3, null], r.lines);
    assert.equal(msgs.length, 4, `one reply per request, none for the notification:\n${clip(r.lines)}`);
    const init = byId(msgs, 1)[0];
    assert.equal(init.result.protocolVersion, '2025-11-25');
    assert.equal(init.result.serverInfo.name, 'fini-mcp');
    assert.equal(byId(msgs, 2)[0].result.tools.length, TOOL_COUNT);
    assert.deepEqual(byId(msgs, 3)[0].error, { code: -32602, message: 'Unknown tool: nope' });
    const parse = byId(msgs, null);
    assert.equal(parse.length, 1);
    assert.equal(parse[0].error.code, -32700);
    for (const m of msgs) assert.equal(m.jsonrpc, '2.0');
  });

  test('every request answered exactly once: the §A smoke repeated 20 times (reply/exit race)', async () => {
    const problems = [];
    for (let i = 0; i < 20; i++) {
      const r = await rawSession([INIT, INITIALIZED, req(2, 'tools/list'), req(3, 'tools/call', { name: 'nope' }), 'not json']);
      const msgs = parseAll(r.lines);
      for (const id of [1, 2, 3, null]) {
        const n = byId(msgs, id).length;
        if (n !== 1) problems.push(`run ${i + 1}: id ${id} answered ${n} times`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('unknown method → -32601 at once, also before initialize; other requests before initialize get an error', async () => {
    const r = await rawSession([req(1, 'server/discover'), req(2, 'tools/list')]);
    const msgs = parseAll(r.lines);
    assert.equal(r.code, 0);
    assert.deepEqual(byId(msgs, 1)[0].error, { code: -32601, message: 'Method not found: server/discover' });
    assert.ok(byId(msgs, 2)[0].error, `tools/list before initialize must get an error reply: ${clip(r.lines)}`);
    // ... and after initialize too.
    const r2 = await rawSession([INIT, INITIALIZED, req(2, 'server/discover')]);
    assert.equal(byId(parseAll(r2.lines), 2)[0].error.code, -32601);
  });

  test('-32600 for valid JSON that is not a request; ids echoed with their type', async () => {
    const r = await rawSession([
      INIT, INITIALIZED,
      '{"jsonrpc":"1.0","id":10,"method":"ping"}',
      '{"id":11,"method":"ping"}',
      '{"jsonrpc":"2.0","id":12,"method":7}',
      '{"jsonrpc":"2.0","id":{},"method":"ping"}',
      '{"jsonrpc":"2.0","id":true,"method":"ping"}',
      '{"jsonrpc":"2.0","id":[1],"method":"ping"}',
      '[{"jsonrpc":"2.0","id":13,"method":"ping"}]',
      req(1 + 20, 'ping'), req('21', 'ping'),
      req(30, 'initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '0' } }),
    ]);
    const msgs = parseAll(r.lines);
    for (const id of [10, 11, 12]) assert.equal(byId(msgs, id)[0]?.error?.code, -32600, `id ${id}: ${clip(r.lines)}`);
    const nullIds = byId(msgs, null);
    assert.equal(nullIds.length, 4, `bad ids and the batch answered with id null: ${clip(r.lines)}`);
    for (const m of nullIds) assert.equal(m.error.code, -32600);
    assert.deepEqual(byId(msgs, 21)[0].result, {});
    assert.deepEqual(byId(msgs, '21')[0].result, {});
    assert.equal(byId(msgs, 30)[0].error.code, -32600, 'a second initialize is refused');
  });

  test('CRLF line endings are accepted; notifications are never answered', async () => {
    const r = await rawSession([`${INIT}\r`, `${INITIALIZED}\r`, '{"jsonrpc":"2.0","method":"notifications/whatever"}', `${req(2, 'ping')}\r`]);
    const msgs = parseAll(r.lines);
    assert.equal(msgs.length, 2, r.stdout);
    assert.deepEqual(byId(msgs, 2)[0].result, {});
  });

  test('an over-long line is answered with an error and skipped; the session goes on', async () => {
    const big = `{"jsonrpc":"2.0","id":5,"method":"ping","params":{"pad":"${'x'.repeat(4096)}"}}`;
    const r = await rawSession([INIT, INITIALIZED, big, req(6, 'ping')], { args: ['--max-line-bytes', '1024'] });
    const msgs = parseAll(r.lines);
    assert.ok(msgs.some((m) => m.error && (m.id === null || m.id === 5)), `an error for the long line: ${clip(r.lines)}`);
    assert.deepEqual(byId(msgs, 6)[0].result, {});
  });

  test('stdin EOF with a slow call in flight: answered once, exit 0 right after the drain (--drain-ms 1000)', async () => {
    const stub = await startStub({ delayMs: 8000 });
    try {
      const r = await rawSession([INIT, INITIALIZED, req(2, 'tools/call', { name: 'list_agents', arguments: {} })],
        { args: ['--base-url', stub.url, '--drain-ms', '1000'], env: { FINI_API_KEY: KEYS.rw } });
      assert.equal(r.code, 0);
      assert.ok(r.exitMs < 3000, `exited ${r.exitMs} ms after EOF`);
      const replies = parseAll(r.lines).filter((m) => m.id === 2);
      assert.equal(replies.length, 1, 'the call in flight is answered exactly once');
      const text = replies[0].result?.content?.[0]?.text ?? replies[0].error?.message ?? '';
      assert.match(text, /cancel|shutting down/i, text);
    } finally { await stub.stop(); }
  });

  test('SIGTERM → exit 0 within 2 s', async () => {
    const child = spawn(MCP_BIN, ['serve', '--manifests', MANIFESTS], { env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
    await new Promise((resolve) => { child.stdout.on('data', (d) => { out += d; if (out.includes('\n')) resolve(); }); child.stdin.write(`${INIT}\n`); });
    assert.equal(JSON.parse(out.split('\n')[0]).id, 1);
    const t0 = Date.now();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const { code, signal } = await exited;
    clearTimeout(timer);
    const ms = Date.now() - t0;
    assert.equal(signal, null);
    assert.equal(code, 0);
    assert.ok(ms < 2000, `exited ${ms} ms after SIGTERM`);
  });
});

describe('official SDK client (@modelcontextprotocol/sdk)', () => {
  let stub, s;
  let negotiated;
  before(async () => {
    stub = await startStub();
    s = await connect({ dir, args: ['--base-url', stub.url, '--page-size', '10'], env: { FINI_API_KEY: KEYS.rw } });
  });
  after(async () => { await s?.close(); await stub?.stop(); });

  test('initialize: serverInfo, capabilities, instructions', () => {
    assert.equal(s.client.getServerVersion().name, 'fini-mcp');
    assert.match(s.client.getServerVersion().version, /^\d+\.\d+\.\d+/);
    const caps = s.client.getServerCapabilities();
    assert.ok(caps.tools, 'tools capability');
    assert.ok(caps.logging, 'logging capability');
    assert.ok((s.client.getInstructions() ?? '').length > 20, 'instructions for the model');
    negotiated = s.transport._protocolVersion ?? null;
  });

  test('ping', async () => {
    assert.deepEqual(await s.client.ping(), {});
  });

  test(`tools/list pages with --page-size 10: ${TOOL_COUNT} tools over ${Math.ceil(TOOL_COUNT / 10)} pages`, async () => {
    const { tools, pages } = await listAllTools(s.client);
    assert.equal(pages.length, Math.ceil(TOOL_COUNT / 10));
    pages.forEach((p, i) => {
      assert.ok(p.tools.length <= 10);
      if (i < pages.length - 1) { assert.equal(p.tools.length, 10); assert.equal(typeof p.nextCursor, 'string'); }
      else assert.equal(p.nextCursor, undefined);
    });
    assert.equal(new Set(tools.map((t) => t.name)).size, TOOL_COUNT);
  });

  test('tools/list with a made-up cursor → -32602', async () => {
    await assert.rejects(s.client.listTools({ cursor: 'not-a-cursor' }), (e) => e.code === -32602);
  });

  test('tools/call list_agents → structuredContent + the same JSON as text; Bearer key and User-Agent sent', async () => {
    const before = stub.requests.length;
    const r = await s.client.callTool({ name: 'list_agents', arguments: {} });
    assert.equal(r.isError ?? false, false, resultText(r));
    assert.deepEqual(r.structuredContent, { agents: [{ id: 'bot-1', name: 'Stub Agent' }] });
    assert.deepEqual(JSON.parse(resultText(r)), r.structuredContent);
    // The session's first call is preceded by the key's scope probe (GET bots, empty POST rules).
    const sent = stub.requests.slice(before);
    assert.ok(sent.length >= 1);
    assert.equal(sent.at(-1).method, 'GET');
    assert.equal(sent.at(-1).url, '/v2/bots/public');
    for (const q of sent) {
      assert.equal(q.authorization, `Bearer ${KEYS.rw}`);
      assert.match(q.userAgent, /^fini-mcp\/\d+\.\d+\.\d+/);
    }
    const again = stub.requests.length;
    await s.client.callTool({ name: 'list_agents', arguments: {} });
    assert.equal(stub.requests.length - again, 1, 'later calls send exactly one request');
  });

  test('tools/call with omitted arguments is treated as {}', async () => {
    const r = await s.client.request({ method: 'tools/call', params: { name: 'list_agents' } },
      (await import('@modelcontextprotocol/sdk/types.js')).CallToolResultSchema);
    assert.equal(r.isError ?? false, false, resultText(r));
  });

  test('logging/setLevel: valid levels accepted, an unknown one → -32602', async () => {
    for (const level of ['debug', 'warning', 'emergency']) assert.deepEqual(await s.client.setLoggingLevel(level), {});
    await assert.rejects(s.client.setLoggingLevel('loud'), (e) => e.code === -32602);
  });

  test('logging: after logging/setLevel info, tool calls are reported as notifications/message; nothing below the level', async () => {
    await s.client.setLoggingLevel('info');
    const before = s.messages.length;
    await s.client.callTool({ name: 'list_agents', arguments: {} });
    await new Promise((res) => setTimeout(res, 100));
    const logs = s.messages.slice(before).map((m) => JSON.parse(m)).filter((m) => m.method === 'notifications/message');
    assert.ok(logs.some((m) => m.params.logger === 'fini-mcp' && /list_agents: GET \/v2\/bots\/public → 200/.test(m.params.data)),
      `a log notification for the call: ${JSON.stringify(logs)}`);
    assert.ok(logs.every((m) => ['info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'].includes(m.params.level)));
    await s.client.setLoggingLevel('error');
    const quiet = s.messages.length;
    await s.client.callTool({ name: 'list_agents', arguments: {} });
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(s.messages.slice(quiet).map((m) => JSON.parse(m)).filter((m) => m.method === 'notifications/message').length, 0);
  });

  test('progress: a fast call sends no progress (nothing can race its result)', async () => {
    const seen = [];
    const errorsBefore = s.errors.length;
    const r = await s.client.callTool({ name: 'list_agents', arguments: {} }, undefined, { onprogress: (p) => seen.push(p) });
    assert.equal(r.isError ?? false, false);
    await new Promise((res) => setTimeout(res, 50));
    assert.deepEqual(seen, [], 'a call answered within the first progress delay sends none');
    assert.deepEqual(s.errors.slice(errorsBefore), [], 'the SDK rejected a progress notification');
  });

  test('progress: a slow call gets monotonic "waiting for Fini" heartbeats, none after the result', async () => {
    const slow = await startStub({ delayMs: 1200 });
    const dir2 = scratchDir('progress');
    const p = await connect({ dir: dir2, args: ['--base-url', slow.url], env: { FINI_API_KEY: KEYS.rw } });
    try {
      await p.client.callTool({ name: 'list_agents', arguments: {} });  // first call also probes scopes
      const seen = [];
      const r = await p.client.callTool({ name: 'list_agents', arguments: {} }, undefined, { onprogress: (x) => seen.push(x) });
      assert.equal(r.isError ?? false, false);
      await new Promise((res) => setTimeout(res, 50));
      assert.ok(seen.length >= 1, `at least one progress notification: ${JSON.stringify(seen)}`);
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i].progress > seen[i - 1].progress, `progress must increase: ${JSON.stringify(seen)}`);
      assert.match(seen[0].message ?? '', /waiting for Fini/);
      assert.deepEqual(p.errors, [], 'the SDK rejected a progress notification');
    } finally {
      await p.close();
      await slow.stop();
    }
  });

  test('strict stdout: no transport/protocol errors during the session; exit within 2 s of EOF', async () => {
    assert.deepEqual(s.errors, []);
    const ms = await s.close();
    s = null;
    assert.ok(ms < 1900, `server exited ${ms} ms after stdin EOF (the SDK escalates to SIGTERM at 2 s)`);
    void negotiated;
  });
});

async function probe(extra, { delayMs = 0 } = {}) {
  const stub = await startStub({ delayMs });
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [
      join(E2E_DIR, 'mcp-client-probe.mjs'), '--strict', '--json', ...extra,
      '--call', 'list_agents', '--args', '{}', '--inherit-env', '--',
      MCP_BIN, 'serve', '--manifests', MANIFESTS, '--base-url', stub.url,
    ], { env: childEnv({ FINI_API_KEY: KEYS.rw }), timeout: 30000 }).catch((e) => {
      throw new Error(`probe exited ${e.code}:\n${String(e.stderr).split('\n').filter((l) => /ERROR|error|WARNING/.test(l)).join('\n')}`);
    });
    const summary = JSON.parse(stdout.trim().split('\n').pop());
    assert.equal(summary.tools.length, TOOL_COUNT);
    assert.deepEqual(summary.transportErrors, []);
    assert.equal(summary.call.result.isError ?? false, false);
    assert.ok(summary.shutdownMs < 1900);
    return summary;
  } finally { await stub.stop(); }
}

describe('probe (mcp-client-probe.mjs, copied from the shared tools)', () => {
  test('--strict with a call exits 0 (acceptance 3)', async () => {
    await probe(['--log-level', 'info']);
  });
  test('--strict --progress with a call exits 0', async () => {
    // A slow upstream, so progress heartbeats really flow during the call.
    await probe(['--progress'], { delayMs: 700 });
  });
});
