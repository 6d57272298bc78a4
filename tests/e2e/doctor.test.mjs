// `fini-mcp doctor`, the real binary against a real sandbox: all read routes checked and matching
// (exit 0), drift found and named by pointer (exit 1) against a sandbox started with --drift, and a
// sandbox that ignores agentId reported as such. The sandbox's request log proves that doctor sent
// no write and no delete (only GETs and the two read-scope POSTs) and at most 40 requests per run; the key
// never appears in its output.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KEYS, MANIFESTS, MCP_BIN, childEnv, readJson, requireBinary, scratchDir } from './lib/env.mjs';
import { startSim } from './lib/sim.mjs';

const dir = scratchDir('doctor');
const READ_POSTS = new Set(['checkKnowledgeJobs', 'getArticlesByIds']);

// Every read-scope tool of the manifests: what the report must list.
function readTools() {
  const out = [];
  for (const set of readdirSync(MANIFESTS, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const f of readdirSync(join(MANIFESTS, set.name)).filter((n) => n.endsWith('.json'))) {
      const m = readJson(join(MANIFESTS, set.name, f));
      if (m.scope === 'read') out.push(m.name);
    }
  }
  return out.sort();
}

function doctor(sim, args = ['--json'], key = KEYS.rw, env = {}) {
  requireBinary(MCP_BIN, 'fini-mcp');
  const mark = sim.mark();
  const r = spawnSync(MCP_BIN, ['doctor', '--base-url', sim.url, '--manifests', MANIFESTS, ...args],
    { env: childEnv({ FINI_API_KEY: key, ...env }), encoding: 'utf8', timeout: 60000 });
  assert.ok(!`${r.stdout}${r.stderr}`.includes(key), 'the key is never printed');
  assertReadOnly(sim.entries().slice(mark));
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, report: args.includes('--json') ? JSON.parse(r.stdout) : null };
}

// The request log of one run: no write, no delete, at most 40 requests.
function assertReadOnly(entries) {
  assert.ok(entries.length > 0 && entries.length <= 40, `${entries.length} requests`);
  for (const e of entries) {
    assert.notEqual(e.scope, 'write', `${e.method} ${e.path} is a write`);
    assert.ok(e.method === 'GET' || (e.method === 'POST' && READ_POSTS.has(e.operationId)), `${e.method} ${e.path}`);
  }
}

describe('fini-mcp doctor', () => {
  const sims = [];
  const sandbox = async (args) => { const s = await startSim({ dir, args }); sims.push(s); return s; };
  after(async () => { for (const s of sims) await s.stop(); });

  test('against the sandbox: every read route checked, everything matches, exit 0', async () => {
    const sim = await sandbox([]);
    const { code, report, stderr } = doctor(sim);
    assert.equal(code, 0, stderr);
    assert.equal(report.exitCode, 0);
    assert.equal(report.driftFound, false);
    assert.deepEqual(report.toolsChecked, readTools());
    assert.deepEqual(report.notChecked, []);
    assert.match(report.key, /^valid \(from FINI_API_KEY\)$/);
    assert.match(report.workspace, /^sha256:[0-9a-f]{12} /);
    const q = Object.fromEntries(report.questions.map((x) => [x.id, x]));
    assert.match(q.agent_filter.answer, /^yes/);
    assert.match(q.page_key.answer, /^yes: \{.*\binteractions\[\d+\]/);
    assert.match(q.window_90_days.answer, /^yes \(200\)/);
    assert.match(q.unknown_query.answer, /^ignored/);
    assert.match(q.tree_file.answer, /^not checked \(would write\)/);
    assert.ok(report.routes.every((r) => r.status > 0 && r.ms >= 0));
    assert.ok(Object.keys(report.latencyByFamily).includes('conversations'));
  });

  test('against a sandbox with drift: exit 1, the pointer named', async () => {
    const sim = await sandbox(['--drift', 'listConversations']);
    const { code, report } = doctor(sim);
    assert.equal(code, 1);
    assert.equal(report.driftFound, true);
    const drift = report.routes.filter((r) => r.drift.length).map((r) => [r.tool, r.drift.map((d) => `${d.pointer} ${d.expected}/${d.found}`)]);
    assert.deepEqual([...new Set(drift.map(([t]) => t))], ['list_conversations']);
    assert.deepEqual(drift[0][1], ['/hasMore boolean/string']);
    const text = doctor(sim, []);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /DRIFT list_conversations \/hasMore: expected boolean, found string/);
    assert.match(text.stdout, /result: DRIFT FOUND/);
  });

  test('against a sandbox that ignores agentId: the report says so loudly', async () => {
    const sim = await sandbox(['--ignore-agent-filter']);
    const { code, report } = doctor(sim);
    assert.equal(code, 1);
    assert.equal(report.driftFound, false);
    const q = report.questions.find((x) => x.id === 'agent_filter');
    assert.equal(q.differs, true);
    assert.match(q.answer, /the agentId filter is IGNORED/);
    const text = doctor(sim, []);
    assert.match(text.stdout, /!! Does list_conversations honour agentId\?\n\s+NO: the agentId filter is IGNORED/);
  });

  test('a revoked key or one without read: one request, said so, exit 1', async () => {
    const sim = await sandbox([]);
    const revoked = doctor(sim, ['--json'], KEYS.revoked);
    assert.equal(revoked.code, 1);
    assert.match(revoked.report.key, /^REJECTED by Fini \(401, from FINI_API_KEY\)/);
    assert.equal(revoked.report.requests, 1);
    const writeOnly = doctor(sim, ['--json'], 'fini_sandbox_acme_write_8b1e44c07a');
    assert.equal(writeOnly.code, 1);
    assert.match(writeOnly.report.key, /without the read scope \(403/);
    assert.equal(writeOnly.report.requests, 1);
  });

  test('the proxy in use is reported without its credentials', async () => {
    const sim = await sandbox([]);
    const env = { HTTPS_PROXY: 'http://proxyuser:proxysecret@127.0.0.1:9/', NO_PROXY: '127.0.0.1,localhost' };
    const r = doctor(sim, [], KEYS.revoked, env);
    assert.match(r.stdout, /^proxy: +HTTPS_PROXY is set: http:\/\/127\.0\.0\.1:9\/; NO_PROXY is set$/m);
    assert.doesNotMatch(r.stdout + r.stderr, /proxysecret|proxyuser/);
  });
});
