// Export e2e: `export` and `query_export` through the built fini-mcp (official SDK client)
// against fini-sim over real HTTP. All 320 acme conversations (spread over the last 150 days by
// the fixture) are exported in each format; the window split is checked in the sandbox request
// log, the CSV with Python's csv module, the SQLite answers against counts from the JSONL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEYS, scratchDir, sleep } from './lib/env.mjs';
import { connect, resultText } from './lib/mcp.mjs';
import { startSim } from './lib/sim.mjs';

const DAY = 86400000;
const MAX_SPAN = 90 * DAY;
const dir = scratchDir('export');
const exportsDir = join(dir, 'exports');
let sim, s;
// 151 days: the fixture ages conversations up to 150 days plus a 10-minute margin.
const until = Date.now();
const window = { since: until - 151 * DAY, until };

before(async () => {
  sim = await startSim({ dir });
  s = await connect({ dir, args: ['--base-url', sim.url, '--exports-dir', exportsDir], env: { FINI_API_KEY: KEYS.read } });
});
after(async () => {
  await s?.close();
  await sim?.stop();
});

async function exportAll(format) {
  const mark = sim.mark();
  const progress = [];
  const r = await s.client.callTool({ name: 'export', arguments: { tool: 'list_conversations', arguments: window, format } },
    undefined, { onprogress: (p) => progress.push(p), timeout: 120000 });
  assert.notEqual(r.isError, true, resultText(r));
  const requests = (await sim.since(mark, { min: 1 })).filter((e) => e.operationId === 'listInteractions' || e.path === '/v2/hc-interactions/public');
  return { r, progress, requests, file: join(exportsDir, r.structuredContent.file) };
}

const jsonl = {};
describe('export of all acme conversations', () => {
  test('jsonl: 320 unique ids, windows split at 90 days, progress per page, resource_link readable', async () => {
    const { r, progress, requests, file } = await exportAll('jsonl');
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    jsonl.rows = lines;
    assert.equal(lines.length, 320);
    assert.equal(new Set(lines.map((c) => c.id)).size, 320);
    assert.equal(r.structuredContent.rows, 320);
    const windows = new Set(requests.map((e) => `${e.query.since}-${e.query.until}`));
    assert.ok(windows.size >= 2, `expected a split window, saw ${[...windows]}`);
    for (const e of requests) assert.ok(Number(e.query.until) - Number(e.query.since) <= MAX_SPAN, JSON.stringify(e.query));
    assert.equal(progress.length, r.structuredContent.pages, 'one progress notification per page');
    assert.match(progress.at(-1).message, /320 rows, \d+ pages, window \d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d/);
    const link = r.content.find((c) => c.type === 'resource_link');
    assert.equal(link.uri, `fini://exports/${r.structuredContent.file}`);
    const read = await s.client.readResource({ uri: link.uri });
    assert.equal(read.contents[0].text.split('\n').filter(Boolean).length, 320);
    // The summary is what reaches the model: small whatever the export size.
    assert.ok(JSON.stringify(r).length < 4000, `summary ${JSON.stringify(r).length} bytes`);
    assert.ok(r.structuredContent.facets.channel, 'channel facet counts');
  });

  test('csv: Python csv module reads 320 rows with the documented header', async () => {
    const { file, r } = await exportAll('csv');
    const out = execFileSync('python3', ['-c', `
import csv, json, sys
with open(sys.argv[1], newline='') as f:
    rows = list(csv.reader(f))
print(json.dumps({"header": rows[0], "rows": len(rows) - 1, "ids": len({r[rows[0].index("id")] for r in rows[1:]})}))
`, file]).toString();
    const parsed = JSON.parse(out);
    // Documented: the items' top-level fields sorted by name, the events array replaced by a
    // `messages` column (the events as text) at the end, and the summary says so.
    const expected = [...new Set(jsonl.rows.flatMap((c) => Object.keys(c)))].filter((k) => k !== 'events').sort();
    assert.deepEqual(parsed.header, [...expected, 'messages']);
    assert.deepEqual(r.structuredContent.leftOut, ['events']);
    assert.match(r.structuredContent.leftOutNote, /messages/);
    assert.equal(parsed.rows, 320);
    assert.equal(parsed.ids, 320);
  });

  test('sqlite: query_export counts by channel equal the JSONL; writes, runaways and big results refused or capped', async () => {
    const { r } = await exportAll('sqlite');
    const file = r.structuredContent.file;
    const q = (sql, extra = {}) => s.client.callTool({ name: 'query_export', arguments: { file, sql, ...extra } });
    const byChannel = await q('SELECT channel, COUNT(*) AS n FROM conversations GROUP BY channel ORDER BY channel');
    assert.notEqual(byChannel.isError, true, resultText(byChannel));
    const expected = {};
    for (const c of jsonl.rows) expected[c.channel] = (expected[c.channel] ?? 0) + 1;
    assert.deepEqual(Object.fromEntries(byChannel.structuredContent.rows), expected);
    const events = await q('SELECT COUNT(*) FROM events');
    assert.equal(events.structuredContent.rows[0][0], jsonl.rows.reduce((n, c) => n + c.events.length, 0));

    for (const [sql, word] of [["INSERT INTO conversations (id) VALUES ('x')", 'INSERT'], ["UPDATE conversations SET channel='x'", 'UPDATE'],
      ['DELETE FROM conversations', 'DELETE'], ['DROP TABLE conversations', 'DROP'], ["ATTACH DATABASE '/tmp/x.db' AS x", 'ATTACH'],
      ['PRAGMA journal_mode = WAL', 'PRAGMA']]) {
      const refused = await q(sql);
      assert.equal(refused.isError, true, sql);
      assert.match(resultText(refused), new RegExp(`read-only: ${word}`), sql);
    }
    const t0 = Date.now();
    const runaway = await q('WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT COUNT(*) FROM n');
    assert.equal(runaway.isError, true);
    assert.match(resultText(runaway), /time cap of 5000 ms/);
    assert.ok(Date.now() - t0 < 15000);
    const capped = await q('SELECT id FROM conversations', { maxRows: 10 });
    assert.equal(capped.structuredContent.rowCount, 10);
    assert.equal(capped.structuredContent.truncated, true);
    assert.match(capped.structuredContent.note, /row cap/);
  });
});

test('a cancelled export leaves no file that looks complete', async () => {
  const slow = await startSim({ dir, args: ['--latency-ms', '300'] });
  const cdir = join(dir, 'cancel-exports');
  const c = await connect({ dir, args: ['--base-url', slow.url, '--exports-dir', cdir], env: { FINI_API_KEY: KEYS.read } });
  try {
    const ac = new AbortController();
    const call = c.client.callTool({ name: 'export', arguments: { tool: 'list_conversations', arguments: { ...window, limit: 10 }, format: 'jsonl' } },
      undefined, { signal: ac.signal, onprogress: () => ac.abort('enough'), timeout: 120000 });
    await assert.rejects(call);
    // The server stops at the next page boundary and removes the .partial file.
    const deadline = Date.now() + 10000;
    while (Date.now() < deadline && existsSync(cdir) && readdirSync(cdir).length > 0) await sleep(50);
    assert.deepEqual(existsSync(cdir) ? readdirSync(cdir) : [], []);
  } finally {
    await c.close();
    await slow.stop({ force: true });
  }
});

// The retries of the call path (rest/retry.cpp) sit behind call_structured, so every page survives
// 503s. Compared by rows minus timestamps: two sandboxes seeded with the same --now still differ by
// a millisecond in their clocks. 10 rows a page (33+ pages) so the flaky sandbox's log shows 503s
// injected into the export's own requests, not only into the first call's key probe.
test('with --error-rate 0.2:503 the export equals a clean run', async () => {
  const flaky = await startSim({ dir, args: ['--error-rate', '0.2:503', '--now', String(until)] });
  const clean = await startSim({ dir, args: ['--now', String(until)] });
  const run = async (target, sub) => {
    const c = await connect({ dir, args: ['--base-url', target.url, '--exports-dir', join(dir, sub)], env: { FINI_API_KEY: KEYS.read } });
    try {
      const r = await c.client.callTool({ name: 'export', arguments: { tool: 'list_conversations', arguments: { ...window, limit: 10 }, format: 'jsonl' } }, undefined, { timeout: 120000 });
      assert.notEqual(r.isError, true, resultText(r));
      return readFileSync(join(dir, sub, r.structuredContent.file), 'utf8').split('\n').filter(Boolean)
        .map((l) => { const c = JSON.parse(l); return `${c.id} ${c.channel} ${c.source} ${c.status} ${c.events.length}`; });
    } finally { await c.close(); }
  };
  try {
    const flakyRows = await run(flaky, 'flaky');
    const cleanRows = await run(clean, 'clean');
    assert.equal(cleanRows.length, 320);
    assert.deepEqual(flakyRows, cleanRows);
    const statuses = flaky.entries().filter((e) => e.path === '/v2/hc-interactions/public').map((e) => e.status);
    assert.ok(statuses.includes(503), `no 503 was injected: ${statuses}`);
  } finally {
    await flaky.stop();
    await clean.stop();
  }
});
