// Export e2e: `fini-mcp call` and `fini-mcp export` as shell commands against fini-sim over HTTP.
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
let sim, slow, slower;

before(async () => {
  requireBinary(MCP_BIN, 'fini-mcp');
  sim = await startSim({ dir });
  // Slow pages so a signal lands mid-export; 10 rows per page: 33 pages for 320 conversations.
  slow = await startSim({ dir, args: ['--latency-ms', '40'] });
  // The README recipe pages 100 rows at a time (2 pages of email): slow enough that Ctrl-C after
  // the first page lands before the second.
  slower = await startSim({ dir, args: ['--latency-ms', '300'] });
});
after(async () => {
  await sim?.stop();
  await slow?.stop({ force: true });
  await slower?.stop({ force: true });
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

  test('another export over a checkpoint: exit 2 with both windows, then --resume or --restart', async () => {
    const out = join(dir, 'other.jsonl');
    const first = await interruptAfter(exportArgs(slow.url, out, 'jsonl'), 2, 'SIGKILL');
    assert.equal(first.signal, 'SIGKILL');
    const r = await cli(exportArgs(slow.url, out, 'jsonl', ['--fields', 'id']));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /other\.jsonl\.checkpoint holds an unfinished export that differs from this command:\n/);
    const windows = [...r.stderr.matchAll(/window (\d{4}-\d\d-\d\dT\S+Z) \.\. (\S+Z)/g)];
    assert.equal(windows.length, 2, r.stderr);
    assert.match(r.stderr, /saved \(\d+ rows written\): list_conversations, .*all fields/);
    assert.match(r.stderr, /this command: list_conversations, .*fields \["id"\]/);
    assert.match(r.stderr, /Rerun with --resume to finish the saved export, or with --restart to drop it and start this one\./);
    // --resume finishes the saved export (every field), whatever this command's --fields say.
    const resumed = await cli(exportArgs(slow.url, out, 'jsonl', ['--fields', 'id', '--resume']));
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming from .*other\.jsonl\.checkpoint \(\d+ rows already written\): the saved export \(--resume\)/);
    assert.ok(read(out).equals(read(whole.jsonl)));
    // --restart drops a checkpoint and starts this command's export.
    const again = join(dir, 'restarted.jsonl');
    assert.equal((await interruptAfter(exportArgs(slow.url, again, 'jsonl'), 1, 'SIGKILL')).signal, 'SIGKILL');
    const restarted = await cli(exportArgs(sim.url, again, 'jsonl', ['--fields', 'id', '--restart']));
    assert.equal(restarted.code, 0, restarted.stderr);
    assert.doesNotMatch(restarted.stderr, /resuming/);
    const lines = readFileSync(again, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 320);
    assert.deepEqual(Object.keys(lines[0]), ['id']);
  });

  test('a rerun whose epoch-ms window moved a few seconds (shell arithmetic) resumes the saved window', async () => {
    const out = join(dir, 'moved.jsonl');
    const first = await interruptAfter(exportArgs(slow.url, out, 'jsonl'), 3, 'SIGINT');
    assert.equal(first.code, 130, first.stderr);
    const moved = exportArgs(slow.url, out, 'jsonl').map((a) => (a === `since=${since}` ? `since=${since + 4000}` : a));
    assert.notDeepEqual(moved, exportArgs(slow.url, out, 'jsonl'));
    const rest = await cli(moved);
    assert.equal(rest.code, 0, rest.stderr);
    assert.match(rest.stderr, /resuming from .*moved\.jsonl\.checkpoint \(\d+ rows already written\): the same export \(its relative window moved/);
    assert.deepEqual(JSON.parse(rest.stdout).window, { since, until });
    assert.ok(read(out).equals(read(whole.jsonl)));
  });

  test('--since 150d and --since 2026-06-01 set the window; a relative --since with --arg since is refused', async () => {
    const before = Date.now();
    const [rel, abs, both, bad] = await Promise.all([
      cli(['export', 'list_conversations', '--base-url', sim.url, '--since', '150d', '--out', join(dir, 'rel.jsonl')]),
      cli(['export', 'list_conversations', '--base-url', sim.url, '--since', '2026-06-01', '--until', '2026-06-02', '--out', join(dir, 'abs.jsonl')]),
      cli(['export', 'list_conversations', '--base-url', sim.url, '--since', '3d', '--arg', 'since=1', '--out', join(dir, 'x.jsonl')]),
      cli(['export', 'list_conversations', '--base-url', sim.url, '--since', 'last tuesday', '--out', join(dir, 'y.jsonl')])]);
    assert.equal(rel.code, 0, rel.stderr);
    const { window } = JSON.parse(rel.stdout);
    assert.ok(Math.abs(window.since - (before - 150 * DAY)) < 60000, JSON.stringify(window));
    assert.ok(window.until >= before && window.until - window.since >= 150 * DAY);
    assert.equal(abs.code, 0, abs.stderr);
    assert.deepEqual(JSON.parse(abs.stdout).window, { since: Date.UTC(2026, 5, 1), until: Date.UTC(2026, 5, 2) });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give the window once/);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not a time: use a duration back from now \(150d, 12h, 2w\)/);
  });

  test('formats: .xlsx refused (exit 2, the formats listed, nothing written); --format must agree with the name', async () => {
    const xlsx = join(dir, 'a.xlsx');
    const r = await cli(['export', 'list_conversations', '--base-url', sim.url, '--out', xlsx]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot export to '.*a\.xlsx': '\.xlsx' is not a format this writes; formats: jsonl \(\.jsonl, \.ndjson\), csv \(\.csv\), sqlite \(\.sqlite, \.db\)/);
    assert.ok(!existsSync(xlsx) && !existsSync(`${xlsx}.partial`));
    const contra = await cli(['export', 'list_conversations', '--base-url', sim.url, '--format', 'csv', '--out', join(dir, 'b.jsonl')]);
    assert.equal(contra.code, 2);
    assert.match(contra.stderr, /--format csv contradicts --out .*b\.jsonl \(a jsonl name\)/);
    for (const [name, format] of [['c.ndjson', 'jsonl'], ['c.db', 'sqlite']]) {
      const ok = await cli(['export', 'list_conversations', '--base-url', sim.url, '--out', join(dir, name)]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(JSON.parse(ok.stdout).format, format);
    }
  });

  test('csv: the messages column carries the events as text, and stderr says what was left out', async () => {
    const r = await cli(['export', 'list_conversations', '--base-url', sim.url, '--since', '151d', '--out', join(dir, 'msgs.csv')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /fini-mcp export: not in .*msgs\.csv: events \(as text in the `messages` column; export jsonl or sqlite for every event field\)/);
    assert.deepEqual(JSON.parse(r.stdout).leftOut, ['events']);
    const rows = JSON.parse(execFileSync('python3', ['-c', `
import csv, json, sys
with open(sys.argv[1], newline='') as f:
    print(json.dumps(list(csv.DictReader(f))))
`, join(dir, 'msgs.csv')]).toString());
    const jsonl = readFileSync(whole.jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const byId = new Map(jsonl.map((c) => [c.id, c]));
    let checked = 0;
    for (const row of rows) {
      const c = byId.get(row.id);
      if (!c) continue;
      const said = c.events.filter((e) => e.message).map((e) => `${e.role}: ${e.message}`);
      for (const line of said) assert.ok(row.messages.includes(line), `${row.id}: ${line} not in ${row.messages}`);
      if (said.length) checked += 1;
    }
    assert.ok(checked > 100, `messages checked on ${checked} conversations`);
    const picked = await cli(['export', 'list_conversations', '--base-url', sim.url, '--fields', 'id,channel', '--out', join(dir, 'picked.csv')]);
    assert.match(picked.stderr, /not in .*picked\.csv: .*createdAt.*\(not in --fields\)/);
  });

  test('query_export accepts the resource link URI, the bare name and the path in the exports folder, nothing outside', async () => {
    const made = await cli(['call', 'export', '--base-url', sim.url, '--arg', 'tool=list_conversations', '--arg', 'format=sqlite']);
    assert.equal(made.code, 0, made.stderr);
    const { file, uri, path } = JSON.parse(made.stdout);
    assert.match(uri, /^fini:\/\/exports\//);
    const sql = 'SELECT COUNT(*) FROM conversations';
    const counts = [];
    for (const given of [uri, file, path]) {
      const q = await cli(['call', 'query_export', '--base-url', sim.url, '--arg', `file=${given}`, '--arg', `sql=${sql}`]);
      assert.equal(q.code, 0, `${given}: ${q.stderr}`);
      counts.push(JSON.parse(q.stdout).rows[0][0]);
    }
    assert.equal(new Set(counts).size, 1);
    const outside = join(dir, 'outside.sqlite');
    execFileSync('cp', [path, outside]);
    for (const given of [outside, `${dirname(path)}/../${file}`, `fini://exports/../${file}`]) {
      const q = await cli(['call', 'query_export', '--base-url', sim.url, '--arg', `file=${given}`, '--arg', `sql=${sql}`]);
      assert.equal(q.code, 1, given);
      assert.match(q.stderr, /not in the exports folder|not an export file name/, given);
    }
  });

  test('--progress bar draws a redrawn bar with a percentage', async () => {
    const out = join(dir, 'bar.jsonl');
    const r = await cli(exportArgs(sim.url, out, 'jsonl', ['--progress', 'bar']));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\r\x1b\[K\[#*\.*\] \d+% 10 rows, 1 pages/);
    assert.match(r.stderr, /\[#{30}\] 100% 320 rows/);
  });
});

const readmeShellBlock = () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Export and analyse'));
  return section.match(/From a shell[\s\S]*?```sh\n([\s\S]*?)```/)?.[1];
};

// The README's export line, run by bash as a user would type it; Ctrl-C is SIGINT to the
// foreground process group, which is what `kill(-pgid)` sends here after the first page.
function runRecipe(line, cwd, url, { interruptAfterPages = 0 } = {}) {
  const env = cliEnv({ FINI_API_KEY: KEYS.read, FINI_BASE_URL: url, PATH: `${dirname(MCP_BIN)}:${process.env.PATH}` });
  const child = spawn('bash', ['-c', line], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  let seen = 0;
  createInterface({ input: child.stderr }).on('line', (l) => {
    stderr += `${l}\n`;
    if (/^export: \d+ rows, \d+ pages/.test(l) && ++seen === interruptAfterPages) process.kill(-child.pid, 'SIGINT');
  });
  child.stdout.on('data', (d) => { stdout += d; });
  return new Promise((resolve) => child.once('close', (code, signal) => {
    assert.equal(sanitizerReport(stderr), null, stderr);
    resolve({ code, signal, stderr, stdout });
  }));
}

test('the README export line, interrupted with Ctrl-C and rerun verbatim, resumes to the same file (csv, jsonl, sqlite)', async () => {
  const line = readmeShellBlock()?.split('\n').find((l) => l.startsWith('fini-mcp export '));
  assert.ok(line && line.includes('--since 150d') && line.includes('--out email.csv'), line);
  // The three formats side by side (one sandbox, its own folder each): seconds, not a minute.
  await Promise.all(['csv', 'jsonl', 'sqlite'].map(async (ext) => {
    const cmd = line.replace('email.csv', `email.${ext}`);
    const [cut, whole] = ['cut', 'whole'].map((k) => join(dir, `recipe-${ext}-${k}`));
    for (const d of [cut, whole]) mkdirSync(d, { recursive: true });
    const [first, uninterrupted] = await Promise.all([runRecipe(cmd, cut, slower.url, { interruptAfterPages: 1 }),
      runRecipe(cmd, whole, slower.url)]);
    assert.equal(first.code, 130, first.stderr);
    assert.match(first.stderr, /interrupted; rows so far are in email\.\w+\.partial \(not complete\); run the same command again to resume/);
    assert.equal(uninterrupted.code, 0, uninterrupted.stderr);
    const rest = await runRecipe(cmd, cut, slower.url);
    assert.equal(rest.code, 0, rest.stderr);
    assert.match(rest.stderr, /resuming from email\.\w+\.checkpoint \([1-9]\d* rows already written\): the same export/);
    assert.equal(JSON.parse(rest.stdout).rows, JSON.parse(uninterrupted.stdout).rows);
    const [a, b] = [cut, whole].map((d) => join(d, `email.${ext}`));
    if (ext === 'sqlite') assert.ok(dumpSqlite(a) === dumpSqlite(b), `${a} has other rows than ${b}`);
    else assert.ok(read(a).equals(read(b)), `${a} differs from ${b}`);
  }));
});

// A real terminal (tmux): with --log-level info every page logs a line while the bar is up. Each
// log line must start on its own line and the bar must be redrawn below it, never share a line.
test('log lines during an export go above the progress bar, which stays intact (tmux capture-pane)', async () => {
  const sock = join(dir, 'tmux.sock');
  const out = join(dir, 'tmux.jsonl');
  const q = (a) => `'${a.replaceAll("'", "'\\''")}'`;
  const cmd = [MCP_BIN, '--log-level', 'info', ...exportArgs(slow.url, out, 'jsonl')].map(q).join(' ');
  const env = cliEnv({ FINI_API_KEY: KEYS.read });
  const tmux = (...args) => execFileSync('tmux', ['-S', sock, ...args], { env, timeout: 120000 }).toString();
  tmux('new-session', '-d', '-x', '220', '-y', '50', `${cmd}; tmux -S ${q(sock)} wait-for -S export-done; cat`);
  try {
    tmux('wait-for', 'export-done');
    const screen = tmux('capture-pane', '-p', '-S', '-', '-E', '-');
    const lines = screen.split('\n');
    const logs = lines.filter((l) => l.includes('[info]'));
    assert.ok(logs.length >= 30, `a log line per page:\n${screen}`);
    for (const l of logs) {
      assert.match(l, /^\[\d{4}-\d\d-\d\d [\d:.]+\] (\[\w+\] )?\[info\] list_conversations: /, `a log line shares a line with the bar:\n${l}`);
      assert.doesNotMatch(l, /\] \d+% \d+ rows/, `the bar landed on a log line:\n${l}`);
    }
    const bars = lines.filter((l) => /^\[[#.]{30}\] \d+% \d+ rows/.test(l));
    assert.equal(bars.length, 1, `one bar line, below the logs:\n${screen}`);
    assert.match(bars[0], /^\[#{30}\] 100% 320 rows, \d+ pages, window \S+$/);
    assert.ok(lines.indexOf(bars[0]) > lines.lastIndexOf(logs.at(-1)), 'the bar is below the last log line');
  } finally {
    try { tmux('kill-server'); } catch { /* already gone */ }
  }
});

// README "Export and analyse": the fenced ```sh block under "From a shell" runs as written, with
// fini-mcp on PATH and the key and base URL in the environment (as a user would have them).
test('the README CLI example runs against the sandbox', async () => {
  const block = readmeShellBlock();
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
