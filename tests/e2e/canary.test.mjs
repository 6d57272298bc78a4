// A recognizable canary key, used for a whole run of calls (successes, API failures, argument
// failures, protocol errors, a revoked key from --api-key-file, a failing upstream), must never
// appear in anything captured: stdout (every message), stderr, the --log-file written at debug
// level, and the sandbox's request log and stderr.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIM_FIXTURES, scratchDir } from './lib/env.mjs';
import { INIT, INITIALIZED, connect, rawSession, resultText } from './lib/mcp.mjs';
import { startSim } from './lib/sim.mjs';
import { makePki } from './lib/tls.mjs';

const dir = scratchDir('canary');
const secret = randomBytes(12).toString('hex');
const CANARY = `fini_e2ecanary_${secret}`;
const CANARY_REVOKED = `fini_e2ecanaryrevoked_${secret.split('').reverse().join('')}`;
// The full keys, and their random middles (a redaction that keeps a short tail is fine; one that keeps the secret is not).
const NEEDLES = [CANARY, CANARY_REVOKED, secret.slice(0, 16), CANARY_REVOKED.slice(-24, -8)];

let pki, sim, bad;
const captured = [];  // [label, text]

before(async () => {
  pki = makePki(dir);
  const fixtures = join(dir, 'fixtures');
  cpSync(SIM_FIXTURES, fixtures, { recursive: true });
  const keys = JSON.parse(readFileSync(join(fixtures, 'keys.json'), 'utf8'));
  keys.keys.push({ key: CANARY, workspace: 'acme', scopes: ['read', 'write'] });
  keys.keys.push({ key: CANARY_REVOKED, workspace: 'acme', scopes: ['read', 'write'], revoked: true });
  writeFileSync(join(fixtures, 'keys.json'), JSON.stringify(keys, null, 2));
  sim = await startSim({ dir, pki, args: ['--fixtures', fixtures, '--log-level', 'debug'] });
  bad = await startSim({ dir, pki, args: ['--fixtures', fixtures, '--error-rate', '1:500', '--log-level', 'debug'] });
});
after(async () => { await sim?.stop(); await bad?.stop(); });

async function session(label, { url, env = {}, args = [], calls }) {
  const logFile = join(dir, `mcp-${label}.log`);
  const s = await connect({
    dir, pre: ['--log-level', 'debug', '--log-file', logFile],
    args: ['--base-url', url, '--ca-file', pki.caFile, ...args], env,
  });
  try {
    await s.client.setLoggingLevel('debug');
    for (const [name, a] of calls) {
      try {
        const r = await s.client.callTool({ name, arguments: a }, undefined, { onprogress: () => {} });
        captured.push([`${label} result ${name}`, resultText(r)]);
      } catch (e) {
        captured.push([`${label} error ${name}`, String(e?.message ?? e)]);
      }
    }
  } finally {
    await s.close();
  }
  captured.push([`${label} stdout`, s.messages.join('\n')], [`${label} transport errors`, s.errors.join('\n')]);
  captured.push([`${label} stderr`, readFileSync(s.stderrFile, 'utf8')]);
  assert.ok(existsSync(logFile), `--log-file ${logFile} was written`);
  const log = readFileSync(logFile, 'utf8');
  captured.push([`${label} --log-file`, log]);
  return { messages: s.messages, log };
}

const WORKLOAD = [
  ['list_agents', {}],
  ['list_conversations', { limit: 2 }],
  ['list_conversations', { since: Date.now() - 100 * 86400000, until: Date.now() }],  // 400
  ['get_conversation', { conversationId: 'no-such-conversation' }],                    // 500 (quirk)
  ['get_rule', { ruleId: 'no-such-rule' }],                                            // 404
  ['create_tag_group', { title: 'canary group' }],
  ['generate_answer', { content: 'Where is my order?', botId: 'ac0a0000-0000-4000-8000-000000000001' }],
  ['get_conversation', {}],                                                             // argument error
  ['no_such_tool', {}],                                                                 // protocol error
];

test('FINI_API_KEY canary through a whole workload at debug log level', async () => {
  const { messages, log } = await session('env', { url: sim.url, env: { FINI_API_KEY: CANARY }, calls: WORKLOAD });
  assert.ok(messages.length > WORKLOAD.length, 'the session produced output');
  assert.ok(log.length > 0, 'the debug log is not empty (the scan is not vacuous)');
  const logged = sim.entries();
  assert.ok(logged.some((r) => r.operationId === 'createTagGroup' && r.status === 200), 'the canary key really worked');
});

test('--api-key-file (0600) with a revoked canary key: 401 everywhere', async () => {
  const keyFile = join(dir, 'revoked.key');
  writeFileSync(keyFile, `${CANARY_REVOKED}\n`);
  chmodSync(keyFile, 0o600);
  const { messages } = await session('file', { url: sim.url, args: ['--api-key-file', keyFile], calls: WORKLOAD.slice(0, 3) });
  assert.ok(messages.some((m) => m.includes('401')), 'the revoked key was refused with 401');
});

test('canary against a failing upstream (every call 500)', async () => {
  await session('5xx', { url: bad.url, env: { FINI_API_KEY: CANARY }, calls: WORKLOAD.slice(0, 4) });
});

test('raw session: stdout and stderr bytes', async () => {
  const r = await rawSession([
    INIT, INITIALIZED,
    JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_agents', arguments: {} } }),
    JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'get_rule', arguments: { ruleId: 'nope' } } }),
  ], { args: ['--base-url', sim.url, '--ca-file', pki.caFile], env: { FINI_API_KEY: CANARY } });
  captured.push(['raw stdout', r.stdout], ['raw stderr', r.stderr]);
  assert.equal(r.lines.length, 3, r.stdout.slice(0, 500));
});

test('zero canary occurrences in everything captured, the sandbox request log and its stderr', () => {
  for (const f of readdirSync(dir).filter((n) => n.startsWith('sim-'))) captured.push([f, readFileSync(join(dir, f), 'utf8')]);
  assert.ok(captured.length >= 15, `captured ${captured.length} sources`);
  const hits = [];
  for (const [label, text] of captured) {
    for (const n of NEEDLES) if (text.includes(n)) hits.push(`${label} contains ${n === CANARY || n === CANARY_REVOKED ? 'the canary key' : 'the canary secret'}`);
  }
  assert.deepEqual(hits, []);
});
