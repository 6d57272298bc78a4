// Issue 14 e2e: `fini-mcp call` and `fini-mcp export` as shell commands against fini-sim over HTTP.
// The export is interrupted for real (SIGKILL and SIGINT, after the Nth progress line on stderr,
// against a sandbox slowed with --latency-ms); rerunning the same command resumes from the
// checkpoint and the file equals an uninterrupted export byte for byte. The README's CLI example
// is extracted from README.md and run as written.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { KEYS, MCP_BIN, REPO, childEnv, requireBinary, sanitizerReport, scratchDir } from './lib/env.mjs';
import { startSim } from './lib/sim.mjs';

const DAY = 86400000;
const dir = scratchDir('export-cli');
const until = Date.now();
const since = until - 151 * DAY; // every acme conversation (150 days + a 10-minute margin)
let sim, slow;

before(async () => {
  requireBinary(MCP_BIN, 'fini-mcp');
  sim = await startSim({ dir });
  // Slow pages so a signal lands mid-export; 10 rows per page: 33 pages for 320 conversations.
  slow = await startSim({ dir, args: ['--latency-ms', '40'] });
});
after(async () => {
  await sim?.stop();
  await slow?.stop({ force: true });
});

// HOME and XDG dirs in the scratch folder: no stored profile leaks in from the machine.
function cliEnv(extra = {}) {
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  return childEnv({ HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local/share'), ...extra });
}

// Runs fini-mcp to completion; never throws on a non-zero exit.
function cli(args, { env = { FINI_API_KEY: KEYS.read }, cwd = dir } = {}) {
  return new Promise((resolve) => {
    execFile(MCP_BIN, args, { env: cliEnv(env), cwd, timeout: 120000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const report = sanitizerReport(stderr);
      assert.equal(report, null, `sanitizer report: ${report}`);
      assert.ok(!`${stdout}${stderr}`.includes(KEYS.read), 'the key is never printed');
      resolve({ code: error ? (error.code ?? 1) : 0, signal: error?.signal ?? null, stdout, stderr });
    });
  });
}

const exportArgs = (url, out, format, extra = []) => ['export', 'list_conversations', '--base-url', url,
  '--arg', `since=${since}`, '--arg', `until=${until}`, '--arg', 'limit=10', '--format', format, '--out', out, ...extra];

// Starts an export and sends `signal` once `pages` progress lines have arrived on stderr (plain
// lines: stderr is a pipe, not a TTY). Resolves with the exit code/signal and the stderr text.
function interruptAfter(args, pages, signal) {
  const child = spawn(MCP_BIN, args, { env: cliEnv({ FINI_API_KEY: KEYS.read }), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let seen = 0;
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr += `${line}\n`;
    if (/^export: \d+ rows, \d+ pages/.test(line) && ++seen === pages) child.kill(signal);
  });
  child.stdout.resume();
  return new Promise((resolve) => child.once('close', (code, sig) => resolve({ code, signal: sig, stderr, seen })));
}

const read = (p) => readFileSync(p);

describe('fini-mcp call', () => {
  test('prints the structured result; --arg values are JSON when they parse, else strings', async () => {
    const agents = await cli(['call', 'list_agents', '--base-url', sim.url]);
    assert.equal(agents.code, 0, agents.stderr);
    assert.equal(JSON.parse(agents.stdout).agents.length, 3);
    const page = await cli(['call', 'list_conversations', '--base-url', sim.url, '--arg', 'limit=3', '--arg', 'channel=["email"]',
      '--arg', `since=${until - 80 * DAY}`, '--arg', 'direction=next']);
    assert.equal(page.code, 0, page.stderr);
    const body = JSON.parse(page.stdout);
    assert.equal(body.interactions.length, 3);
    for (const c of body.interactions) assert.equal(c.channel, 'email');
  });

  test('isError exits 1 with the error text on stderr; unknown tools and bad --arg exit 2', async () => {
    const missing = await cli(['call', 'get_conversation', '--base-url', sim.url, '--arg', 'conversationId=00000000-0000-4000-8000-000000000000']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /^No such conversation; list them with list_conversations/);
    const unknown = await cli(['call', 'no_such_tool', '--base-url', sim.url]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown tool: no_such_tool/);
    const bad = await cli(['call', 'list_agents', '--base-url', sim.url, '--arg', 'novalue']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--arg wants name=value/);
  });

  test('no key anywhere: exit 2 naming the three ways to give one (no key page on a shell)', async () => {
    const r = await cli(['call', 'list_agents', '--base-url', sim.url], { env: { FINI_API_KEY: '' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no Fini API key: set FINI_API_KEY, pass --api-key-file FILE .*fini-mcp login/);
  });
});

describe('fini-mcp export', () => {
  const whole = {};
  for (const format of ['jsonl', 'csv', 'sqlite']) {
    test(`${format}: an uninterrupted export of all 320 conversations, summary on stdout`, async () => {
      // The same sandbox as the interrupted runs: another one would seed other timestamps.
      const out = join(dir, `whole.${format}`);
      const r = await cli(exportArgs(slow.url, out, format));
      assert.equal(r.code, 0, r.stderr);
      const summary = JSON.parse(r.stdout);
      assert.equal(summary.rows, 320);
      assert.equal(summary.file, out);
      assert.deepEqual(summary.window, { since, until });
      assert.ok(!existsSync(`${out}.partial`) && !existsSync(`${out}.checkpoint`), 'no leftovers after success');
      assert.match(r.stderr, /^export: 320 rows, \d+ pages, window \d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d$/m);
      whole[format] = out;
    });
  }

  // SQLite files differ in page layout after a resume; compare their rows instead.
  const dumpSqlite = (file) => execFileSync('python3', ['-c', `
import sqlite3, sys, json
db = sqlite3.connect(sys.argv[1])
out = {}
for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
    cols = [r[1] for r in db.execute(f'PRAGMA table_info("{t}")')]
    out[t] = [cols, sorted(json.dumps(r) for r in db.execute(f'SELECT * FROM "{t}"'))]
print(json.dumps(out))
`, file]).toString();

  for (const [format, signal] of [['jsonl', 'SIGKILL'], ['csv', 'SIGINT'], ['sqlite', 'SIGKILL']]) {
    test(`${format}: ${signal} mid-export, then the same command resumes and equals the uninterrupted file`, async () => {
      const out = join(dir, `resumed-${signal}.${format}`);
      const args = exportArgs(slow.url, out, format);
      const first = await interruptAfter(args, 5, signal);
      if (signal === 'SIGINT') {
        assert.equal(first.code, 130, first.stderr);
        assert.match(first.stderr, /interrupted; rows so far are in .*\.partial \(not complete\); run the same command again to resume/);
      } else {
        assert.equal(first.signal, 'SIGKILL');
      }
      assert.ok(!existsSync(out), 'an interrupted export is never presented under the final name');
      assert.ok(existsSync(`${out}.partial`) && existsSync(`${out}.checkpoint`));

      const rest = await cli(args);
      assert.equal(rest.code, 0, rest.stderr);
      const resumedFrom = Number(rest.stderr.match(/resuming from .*\.checkpoint \((\d+) rows already written\)/)?.[1]);
      assert.ok(resumedFrom >= 40 && resumedFrom < 320, `resumed from ${resumedFrom} rows:\n${rest.stderr}`);
      assert.equal(JSON.parse(rest.stdout).rows, 320);
      assert.ok(!existsSync(`${out}.partial`) && !existsSync(`${out}.checkpoint`));
      if (format === 'sqlite') assert.ok(dumpSqlite(out) === dumpSqlite(whole.sqlite), `${out} has other rows than ${whole.sqlite}`);
      else assert.ok(read(out).equals(read(whole[format])), `${out} differs from ${whole[format]}`);
    });
  }

  test('a checkpoint of another export is not resumed over: exit 2 with what to do', async () => {
    const out = join(dir, 'other.jsonl');
    const first = await interruptAfter(exportArgs(slow.url, out, 'jsonl'), 2, 'SIGKILL');
    assert.equal(first.signal, 'SIGKILL');
    const r = await cli(exportArgs(slow.url, out, 'jsonl', ['--fields', 'id']));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /belongs to a different export .* remove .*other\.jsonl\.checkpoint and .*other\.jsonl\.partial to start over/);
  });

  test('--progress bar draws a redrawn bar with a percentage', async () => {
    const out = join(dir, 'bar.jsonl');
    const r = await cli(exportArgs(sim.url, out, 'jsonl', ['--progress', 'bar']));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\r\x1b\[K\[#*\.*\] \d+% 10 rows, 1 pages/);
    assert.match(r.stderr, /\[#{30}\] 100% 320 rows/);
  });
});

// README "Export and analyse": the fenced ```sh block under "From a shell" runs as written, with
// fini-mcp on PATH and the key and base URL in the environment (as a user would have them).
test('the README CLI example runs against the sandbox', async () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Export and analyse'));
  const block = section.match(/From a shell[\s\S]*?```sh\n([\s\S]*?)```/)?.[1];
  assert.ok(block, 'README.md has a ```sh block under "From a shell" in "Export and analyse"');
  const cwd = join(dir, 'readme');
  mkdirSync(cwd, { recursive: true });
  const env = cliEnv({ FINI_API_KEY: KEYS.read, FINI_BASE_URL: sim.url, PATH: `${dirname(MCP_BIN)}:${process.env.PATH}` });
  const stdout = execFileSync('bash', ['-euo', 'pipefail', '-c', block], { cwd, env, timeout: 120000 }).toString();
  const summary = JSON.parse(stdout.split('\n').find((l) => l.startsWith('{"')));
  assert.ok(summary.rows > 0);
  const rows = execFileSync('python3', ['-c', `
import csv, json, sys
with open(sys.argv[1], newline='') as f:
    rows = list(csv.DictReader(f))
print(json.dumps([[r["id"], r["channel"]] for r in rows]))
`, join(cwd, 'email.csv')]).toString();
  const parsed = JSON.parse(rows);
  assert.equal(parsed.length, summary.rows);
  for (const [, channel] of parsed) assert.equal(channel, 'email');
  // Independently: the email conversations of the same window, straight from the sandbox.
  const expected = new Set();
  for (let top = summary.window.until; top > summary.window.since; top -= 90 * DAY + 1) {
    let cursor = null;
    do {
      const q = new URLSearchParams({ since: String(Math.max(summary.window.since, top - 90 * DAY)), until: String(top), limit: '100', channel: 'email' });
      if (cursor) q.set('cursor', cursor);
      const page = await (await fetch(`${sim.url}/v2/hc-interactions/public?${q}`, { headers: { Authorization: `Bearer ${KEYS.read}` } })).json();
      for (const c of page.interactions) expected.add(c.id);
      cursor = page.hasMore ? page.nextCursor : null;
    } while (cursor);
  }
  assert.deepEqual(new Set(parsed.map(([id]) => id)), expected);
});
