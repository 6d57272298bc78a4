// The published tools/list, pinned. A missing or different snapshot fails;
// UPDATE_GOLDEN=1 rewrites tests/golden/tools-list.json. Also the shape rules every client relies on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOLDEN_DIR, KEYS, TOOL_COUNT, scratchDir } from './lib/env.mjs';
import { connect, listAllTools } from './lib/mcp.mjs';

const GOLDEN = join(GOLDEN_DIR, 'tools-list.json');
const SIZE_AIM = 48 * 1024;
const dir = scratchDir('golden');
let s;
let tools;

before(async () => {
  // A key with unknown scopes shows every tool; the base URL is never contacted.
  s = await connect({ dir, args: ['--base-url', 'http://127.0.0.1:9'], env: { FINI_API_KEY: KEYS.rw } });
  ({ tools } = await listAllTools(s.client));
});
after(async () => { await s?.close(); });

test('tools/list matches tests/golden/tools-list.json (UPDATE_GOLDEN=1 rewrites it)', () => {
  const actual = { tools };
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
  }
  assert.ok(existsSync(GOLDEN), `missing snapshot ${GOLDEN}: run with UPDATE_GOLDEN=1 and review the diff`);
  const expected = JSON.parse(readFileSync(GOLDEN, 'utf8'));
  const names = (l) => l.map((t) => t.name);
  assert.deepEqual(names(actual.tools), names(expected.tools), 'tool names/order differ from the snapshot');
  for (let i = 0; i < expected.tools.length; i++) {
    assert.deepEqual(actual.tools[i], expected.tools[i], `tool ${expected.tools[i].name} differs from the snapshot (UPDATE_GOLDEN=1 to accept)`);
  }
  assert.deepEqual(actual, expected);
});

test(`${TOOL_COUNT} tools, each with a description, a title and an explicit readOnlyHint`, () => {
  assert.equal(tools.length, TOOL_COUNT);
  for (const t of tools) {
    assert.match(t.name, /^[a-z0-9_]{1,41}$/, t.name);
    assert.ok(typeof t.description === 'string' && t.description.trim().length >= 20, `${t.name}: description`);
    assert.ok(typeof t.title === 'string' && t.title.length > 0, `${t.name}: title`);
    assert.equal(typeof t.annotations?.readOnlyHint, 'boolean', `${t.name}: annotations.readOnlyHint`);
    if (t.annotations.readOnlyHint === false) {
      assert.equal(typeof t.annotations.destructiveHint, 'boolean', `${t.name}: destructiveHint`);
      assert.equal(typeof t.annotations.idempotentHint, 'boolean', `${t.name}: idempotentHint`);
    }
  }
});

function walk(schema, at, visit) {
  if (Array.isArray(schema)) { schema.forEach((x, i) => walk(x, `${at}/${i}`, visit)); return; }
  if (!schema || typeof schema !== 'object') return;
  visit(schema, at);
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'enum' || k === 'const' || k === 'default' || k === 'examples') continue;
    walk(v, `${at}/${k}`, visit);
  }
}
const isArrayType = (s) => s.type === 'array' || (Array.isArray(s.type) && s.type.includes('array'));

test('every inputSchema: root type object, no $ref, arrays with items, no private keywords (outputSchema likewise)', () => {
  const problems = [];
  for (const t of tools) {
    for (const [which, schema] of [['inputSchema', t.inputSchema], ['outputSchema', t.outputSchema]]) {
      if (schema === undefined && which === 'outputSchema') continue;
      if (schema?.type !== 'object') problems.push(`${t.name}/${which}: root type is ${JSON.stringify(schema?.type)}`);
      walk(schema, `${t.name}/${which}`, (node, at) => {
        if ('$ref' in node) problems.push(`${at}: $ref`);
        if (isArrayType(node) && !('items' in node)) problems.push(`${at}: array without items`);
        for (const k of ['in', 'wireName', 'style', 'formFile']) {
          if (k in node && typeof node[k] !== 'object') problems.push(`${at}: private keyword ${k}`);
        }
      });
    }
  }
  assert.deepEqual(problems, []);
});

test(`compact tools/list size (aim <= ${SIZE_AIM} bytes)`, (t) => {
  const bytes = Buffer.byteLength(JSON.stringify({ tools }));
  t.diagnostic(`tools/list compact JSON: ${bytes} bytes for ${tools.length} tools (aim <= ${SIZE_AIM})`);
  assert.ok(bytes <= SIZE_AIM, `tools/list is ${bytes} bytes, over the ${SIZE_AIM}-byte aim`);
});
