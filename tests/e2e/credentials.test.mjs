// The key, asked for once, driven through the official SDK client: URL elicitation to
// the one-time loopback page (the test posts the key there with fetch, as the user would in a
// browser), decline/cancel/expiry, wrong-then-right key, one shared prompt for concurrent calls,
// the no-URL fallback, scope-aware tool lists, profiles, a stored key rejected mid-session, and
// a canary: the keys used never appear in stdout, stderr, the debug log, results or page HTML.
// Each test has its own XDG_CONFIG_HOME and its own fini-sim --port 0.
// Env: FINI_MCP_BIN, FINI_SIM_BIN (default <repo>/build/asan/{server/fini-mcp,sim/fini-sim}).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ElicitRequestSchema,
  ElicitationCompleteNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { KEYS, MCP_BIN, SIM_FIXTURES, TOOL_COUNT, childEnv, scratchDir, sleep } from './lib/env.mjs';
import { connect, listAllTools, resultText } from './lib/mcp.mjs';
import { startSim } from './lib/sim.mjs';

const root = scratchDir('credentials');
const secret = randomBytes(12).toString('hex');
// Recognizable keys that exist only in this run's sandbox fixtures.
const CANARY_RW = `fini_e2ekey_rw_${secret}`;
const CANARY_RO = `fini_e2ekey_ro_${secret.split('').reverse().join('')}`;
const NEEDLES = [CANARY_RW, CANARY_RO, secret, secret.split('').reverse().join('')];
const PAGE_URL = /http:\/\/127\.0\.0\.1:\d+\/key\/[0-9a-f]{64}/;
const captured = []; // [label, text] scanned by the last test

const fixtures = join(root, 'fixtures');
cpSync(SIM_FIXTURES, fixtures, { recursive: true });
{
  const keys = JSON.parse(readFileSync(join(fixtures, 'keys.json'), 'utf8'));
  keys.keys.push({ key: CANARY_RW, workspace: 'acme', scopes: ['read', 'write'] });
  keys.keys.push({ key: CANARY_RO, workspace: 'acme', scopes: ['read'] });
  writeFileSync(join(fixtures, 'keys.json'), JSON.stringify(keys, null, 2));
}

// One test's world: a sandbox and a private config folder.
const sims = [];
after(async () => { for (const sim of sims) await sim.stop({ force: true }); });
async function world(name) {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'config');
  const sim = await startSim({ dir, args: ['--fixtures', fixtures] });
  sims.push(sim);
  return { dir, config, sim };
}

// A browser on the key page: GET the form, POST the key with its CSRF token.
async function pasteKey(url, key) {
  const origin = new URL(url).origin;
  const form = await fetch(url);
  const formHtml = await form.text();
  captured.push([`page GET ${url}`, formHtml]);
  if (form.status !== 200) return { status: form.status, html: formHtml };
  const csrf = /name="csrf" value="([0-9a-f]+)"/.exec(formHtml)?.[1];
  assert.ok(csrf, 'the form carries a CSRF token');
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ csrf, key }).toString(),
  });
  const html = await res.text();
  captured.push([`page POST ${url}`, html]);
  return { status: res.status, html };
}

// fini-mcp serve against the world's sandbox, with an SDK client that declares elicitation
// (url mode unless url: false) and answers elicitation/create with `onElicit`.
async function serve(w, { args = [], env = {}, url = true, onElicit } = {}) {
  const logFile = join(w.dir, `mcp-${Date.now()}-${Math.random().toString(16).slice(2, 6)}.log`);
  const s = await connect({
    dir: w.dir,
    pre: ['--log-level', 'debug', '--log-file', logFile],
    args: ['--base-url', w.sim.url, ...args],
    env: { XDG_CONFIG_HOME: w.config, ...env },
    capabilities: { elicitation: url ? { form: {}, url: {} } : { form: {} } },
  });
  const seen = { elicitations: [], completes: [], listChanged: 0 };
  s.client.setRequestHandler(ElicitRequestSchema, async (req) => {
    seen.elicitations.push(req.params);
    if (!onElicit) return { action: 'cancel' };
    return onElicit(req.params, seen);
  });
  s.client.setNotificationHandler(ElicitationCompleteNotificationSchema, (n) => { seen.completes.push(n.params.elicitationId); });
  s.client.setNotificationHandler(ToolListChangedNotificationSchema, () => { seen.listChanged += 1; });
  const call = async (name, args = {}) => {
    const r = await s.client.callTool({ name, arguments: args }, undefined, { timeout: 30000 });
    captured.push([`result ${name}`, JSON.stringify(r)]);
    return r;
  };
  const close = async () => {
    await s.close();
    captured.push(['stdout', s.messages.join('\n')], ['stderr', readFileSync(s.stderrFile, 'utf8')]);
    captured.push(['log', readFileSync(logFile, 'utf8')], ['transport errors', s.errors.join('\n')]);
  };
  return { ...s, seen, call, close };
}

// `fini-mcp login` with the key on a pipe (a script).
function login(w, key, profile = 'default') {
  const r = spawnSync(MCP_BIN, ['login', '--profile', profile, '--base-url', w.sim.url], {
    input: `${key}\n`, env: childEnv({ XDG_CONFIG_HOME: w.config }), encoding: 'utf8', timeout: 20000,
  });
  captured.push([`login ${profile} stdout`, r.stdout], [`login ${profile} stderr`, r.stderr]);
  assert.equal(r.status, 0, r.stderr);
  return r;
}

const agentNames = (r) => r.structuredContent.agents.map((a) => a.name).sort();
const profileFile = (w, p = 'default') => join(w.config, 'fini-mcp', 'profiles', `${p}.json`);

test('first call asks once through a URL elicitation; the pasted key completes it; later sessions just work', async () => {
  const w = await world('first-call');
  let pasting;
  const s = await serve(w, {
    onElicit: async (params) => {
      assert.equal(params.mode, 'url');
      assert.match(params.url, new RegExp(`^${PAGE_URL.source}$`));
      assert.ok(params.elicitationId, 'an elicitationId');
      assert.ok(!params.message.includes('fini_e2e'), 'no key in the message');
      // Accept (consent to open the URL), then "the user" pastes the key in the browser.
      pasting = sleep(50).then(() => pasteKey(params.url, CANARY_RW));
      return { action: 'accept' };
    },
  });
  try {
    const r = await s.call('list_agents');
    assert.equal(r.isError, undefined, resultText(r));
    assert.deepEqual(agentNames(r), ['Billing Agent', 'Presales Agent', 'Support Agent']);
    assert.equal(s.seen.elicitations.length, 1);
    assert.deepEqual(s.seen.completes, [s.seen.elicitations[0].elicitationId]);
    const pasted = await pasting;
    assert.equal(pasted.status, 200);
    assert.match(pasted.html, /Fini accepted the key \(it can read this workspace; write access is checked on the first change you make\)/);
    // A second call in the same session: no new prompt.
    assert.equal((await s.call('list_agents')).isError, undefined);
    assert.equal(s.seen.elicitations.length, 1);
  } finally {
    await s.close();
  }
  const st = statSync(profileFile(w));
  assert.equal(st.mode & 0o777, 0o600);
  assert.equal(statSync(join(w.config, 'fini-mcp')).mode & 0o777, 0o700);
  // A later session uses the stored key without asking.
  const again = await serve(w, { onElicit: () => assert.fail('asked again') });
  try {
    const r = await again.call('list_agents');
    assert.equal(r.isError, undefined, resultText(r));
    assert.equal(again.seen.elicitations.length, 0);
  } finally {
    await again.close();
    await w.sim.stop();
  }
});

test('decline and cancel end the call with how to provide the key', async () => {
  const w = await world('decline');
  let answer = 'decline';
  const s = await serve(w, { onElicit: async () => ({ action: answer }) });
  try {
    const declined = await s.call('list_agents');
    assert.equal(declined.isError, true);
    const text = resultText(declined);
    assert.match(text, /^You declined to provide a Fini API key, so the call was not made\.\n/);
    assert.match(text, PAGE_URL);
    assert.match(text, /fini-mcp login/);
    assert.match(text, /FINI_API_KEY/);
    answer = 'cancel';
    const cancelled = await s.call('list_agents');
    assert.equal(cancelled.isError, true);
    assert.match(resultText(cancelled), /^The request for the Fini API key was dismissed, so the call was not made\./);
    assert.equal(s.seen.elicitations.length, 2);
    assert.equal(s.seen.completes.length, 0);
  } finally {
    await s.close();
    await w.sim.stop();
  }
});

test('an expired page ends the waiting call and refuses the key', async () => {
  const w = await world('expired');
  let late;
  const s = await serve(w, {
    args: ['--key-page-ttl-ms', '1500'],
    onElicit: async (params) => {
      // The user opens the link too late.
      late = sleep(1800).then(() => pasteKey(params.url, CANARY_RW));
      return { action: 'accept' };
    },
  });
  try {
    const r = await s.call('list_agents');
    assert.equal(r.isError, true);
    assert.equal(resultText(r), 'The key page expired before a key was saved, so the call was not made. Call the tool '
      + 'again for a new link, run `fini-mcp login`, or set FINI_API_KEY.');
    const page = await late;
    assert.equal(page.status, 410);
    assert.match(page.html, /This link has expired/);
    assert.equal(s.seen.completes.length, 0);
  } finally {
    await s.close();
    await w.sim.stop();
  }
  assert.throws(() => statSync(profileFile(w)), /ENOENT/);
});

test('a wrong key is explained on the same page; the right one then completes the call', async () => {
  const w = await world('wrong-then-right');
  const pages = [];
  let pasting;
  const s = await serve(w, {
    onElicit: async (params) => {
      pasting = (async () => {
        await sleep(20);
        pages.push(await pasteKey(params.url, KEYS.revoked));
        pages.push(await pasteKey(params.url, 'sk-live-not-a-fini-key'));
        pages.push(await pasteKey(params.url, CANARY_RW));
      })();
      return { action: 'accept' };
    },
  });
  try {
    const r = await s.call('list_agents');
    assert.equal(r.isError, undefined, resultText(r));
    await pasting;
    assert.equal(pages[0].status, 400);
    assert.match(pages[0].html, /Fini rejected this key \(HTTP 401\)/);
    assert.equal(pages[1].status, 400);
    assert.match(pages[1].html, /That is not a Fini API key: Fini keys start with &quot;fini_&quot;/);
    assert.equal(pages[2].status, 200);
    assert.ok(!pages[0].html.includes(KEYS.revoked), 'the page does not echo the key');
    assert.equal(s.seen.elicitations.length, 1);
  } finally {
    await s.close();
    await w.sim.stop();
  }
});

test('concurrent first calls share one prompt', async () => {
  const w = await world('concurrent');
  let release;
  const gate = new Promise((r) => { release = r; });
  const s = await serve(w, {
    onElicit: async (params) => {
      gate.then(() => pasteKey(params.url, CANARY_RW));
      return { action: 'accept' };
    },
  });
  try {
    const first = s.call('list_agents');
    while (s.seen.elicitations.length === 0) await sleep(10);
    const second = s.call('list_rules');
    const third = s.call('list_agents');
    await sleep(200); // both are now waiting on the same prompt
    release();
    const results = await Promise.all([first, second, third]);
    for (const r of results) assert.equal(r.isError, undefined, resultText(r));
    assert.equal(s.seen.elicitations.length, 1);
    assert.equal(s.seen.completes.length, 1);
  } finally {
    await s.close();
    await w.sim.stop();
  }
});

test('a client without URL elicitation gets the page and the other two ways; the next call just works', async () => {
  const w = await world('no-url');
  const s = await serve(w, { url: false });
  try {
    const r = await s.call('list_agents');
    assert.equal(r.isError, true);
    const text = resultText(r);
    assert.match(text, /^No Fini API key is configured yet\. This MCP client cannot open a link for it \(no URL elicitation support\)\./);
    const url = PAGE_URL.exec(text)?.[0];
    assert.ok(url, text);
    assert.match(text, /Run `fini-mcp login` in a terminal/);
    assert.match(text, /Set FINI_API_KEY/);
    assert.match(text, /Then call the tool again: no restart is needed\.$/);
    assert.equal(s.seen.elicitations.length, 0);
    assert.equal((await pasteKey(url, CANARY_RW)).status, 200);
    const next = await s.call('list_agents');
    assert.equal(next.isError, undefined, resultText(next));
    assert.deepEqual(agentNames(next), ['Billing Agent', 'Presales Agent', 'Support Agent']);
  } finally {
    await s.close();
    await w.sim.stop();
  }
});

test('a read-only key hides the write tools and announces it with list_changed', async () => {
  const w = await world('read-only');
  const s = await serve(w, {
    onElicit: async (params) => {
      setTimeout(() => pasteKey(params.url, CANARY_RO), 20);
      return { action: 'accept' };
    },
  });
  try {
    const before = (await listAllTools(s.client)).tools;
    assert.equal(before.length, TOOL_COUNT);
    const writeTools = before.filter((t) => t.annotations?.readOnlyHint === false).map((t) => t.name);
    assert.ok(writeTools.includes('create_rule'));
    const r = await s.call('list_agents');
    assert.equal(r.isError, undefined, resultText(r));
    // Reading teaches nothing about write, and nothing is sent to find out: still every tool.
    assert.equal((await listAllTools(s.client)).tools.length, TOOL_COUNT);
    // The user's first write is refused for its scope: from then on write tools are hidden.
    const w403 = await s.call('create_rule', { name: 'nope', description: 'read-only key' });
    assert.equal(w403.isError, true);
    for (let i = 0; i < 100 && s.seen.listChanged === 0; i++) await sleep(10);
    assert.equal(s.seen.listChanged, 1);
    const after = (await listAllTools(s.client)).tools.map((t) => t.name);
    assert.equal(after.length, TOOL_COUNT - writeTools.length);
    for (const name of writeTools) assert.ok(!after.includes(name), `${name} is hidden`);
    const stored = JSON.parse(readFileSync(profileFile(w), 'utf8'));
    assert.deepEqual(stored.scopes, ['read']);
    assert.deepEqual(stored.denied, ['write']);
  } finally {
    await s.close();
    await w.sim.stop();
  }
});

test('--show-all-tools keeps write tools for a read-only key and calls explain the 403', async () => {
  const w = await world('show-all');
  login(w, CANARY_RO);
  const s = await serve(w, { args: ['--show-all-tools'] });
  try {
    const names = (await listAllTools(s.client)).tools.map((t) => t.name);
    assert.equal(names.length, TOOL_COUNT);
    const r = await s.call('create_rule', { name: 'nope', description: 'read-only key' });
    assert.equal(r.isError, true);
    assert.match(resultText(r), /403/);
    assert.match(resultText(r), /The key lacks the 'write' scope this tool needs/);
    assert.equal(s.seen.listChanged, 0);
    assert.equal(s.seen.elicitations.length, 0);
  } finally {
    await s.close();
    await w.sim.stop();
  }
  // Without the flag, the refusal remembered in the profile hides the write tools from the first listing on.
  const plain = await serve(w);
  try {
    const names = (await listAllTools(plain.client)).tools.map((t) => t.name);
    assert.ok(!names.includes('create_rule'));
    assert.ok(names.includes('list_agents'));
  } finally {
    await plain.close();
  }
});

test('two profiles, two workspaces: --profile switches the data', async () => {
  const w = await world('profiles');
  login(w, CANARY_RW, 'acme');
  login(w, KEYS.globexRw, 'globex');
  const names = {};
  for (const profile of ['acme', 'globex']) {
    const s = await serve(w, { args: ['--profile', profile] });
    try {
      const r = await s.call('list_agents');
      assert.equal(r.isError, undefined, resultText(r));
      names[profile] = agentNames(r);
      assert.equal(s.seen.elicitations.length, 0);
    } finally {
      await s.close();
    }
  }
  await w.sim.stop();
  assert.deepEqual(names.acme, ['Billing Agent', 'Presales Agent', 'Support Agent']);
  assert.deepEqual(names.globex, ['Globex Helper']);
  assert.deepEqual(names.globex.filter((n) => names.acme.includes(n)), [], 'no acme agent is visible to globex');
});

test('a stored key rejected mid-session (401) is marked invalid and the next call asks again', async () => {
  const w = await world('revoked');
  // A profile whose key Fini has since revoked (written as `fini-mcp login` would have).
  mkdirSync(join(w.config, 'fini-mcp', 'profiles'), { recursive: true, mode: 0o700 });
  writeFileSync(profileFile(w), JSON.stringify({ profile: 'default', key: KEYS.revoked, baseUrl: w.sim.url, scopes: ['read', 'write'] }), { mode: 0o600 });
  const s = await serve(w, {
    onElicit: async (params) => {
      setTimeout(() => pasteKey(params.url, CANARY_RW), 20);
      return { action: 'accept' };
    },
  });
  try {
    const r = await s.call('list_agents');
    assert.equal(r.isError, true);
    assert.match(resultText(r), /401/);
    assert.match(resultText(r), /The stored key \(profile 'default'\) is now marked invalid; the next tool call will ask for a new key/);
    assert.equal(JSON.parse(readFileSync(profileFile(w), 'utf8')).invalid, true);
    assert.equal(s.seen.elicitations.length, 0);
    const next = await s.call('list_agents');
    assert.equal(next.isError, undefined, resultText(next));
    assert.equal(s.seen.elicitations.length, 1);
    const stored = JSON.parse(readFileSync(profileFile(w), 'utf8'));
    assert.equal(stored.invalid, false);
  } finally {
    await s.close();
    await w.sim.stop();
  }
});

test('a placeholder in FINI_API_KEY is a configuration problem and is never sent', async () => {
  const w = await world('placeholder');
  const s = await serve(w, { env: { FINI_API_KEY: '${user_config.api_key}' } });
  try {
    const r = await s.call('list_agents');
    assert.equal(r.isError, true);
    assert.match(resultText(r), /^Configuration problem: the API key setting still holds an unexpanded placeholder/);
    assert.equal(w.sim.entries().length, 0, 'nothing reached the sandbox');
  } finally {
    await s.close();
    await w.sim.stop();
  }
});

test('canary: no key in any stdout, stderr, log, result, login output or page HTML', () => {
  for (const d of readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'fixtures')) {
    for (const f of readdirSync(join(root, d.name)).filter((n) => n.startsWith('sim-'))) {
      captured.push([`${d.name}/${f}`, readFileSync(join(root, d.name, f), 'utf8')]);
    }
  }
  assert.ok(captured.filter(([l]) => l.startsWith('page ')).length >= 10, 'page HTML was captured');
  assert.ok(captured.filter(([l]) => l === 'log').length >= 10, 'debug logs were captured');
  const hits = [];
  for (const [label, text] of captured) {
    for (const n of NEEDLES) if (text.includes(n)) hits.push(`${label} contains ${n.startsWith('fini_') ? 'a key' : 'a key secret'}`);
  }
  assert.deepEqual(hits, []);
});
