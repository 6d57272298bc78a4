// Contract: manifests ↔ tests/contract/endpoints.json ↔ the sandbox route table agree
// 1:1 on method + path (+ scope); `fini-mcp check` accepts manifests/ and rejects every broken
// fixture under tests/fixtures/manifests/broken/ with file + JSON pointer + reason.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { BROKEN_MANIFESTS, CONTRACT_ENDPOINTS, MANIFESTS, MCP_BIN, MANIFEST_COUNT, childEnv, readJson, requireBinary, scratchDir } from './lib/env.mjs';
import { startSim } from './lib/sim.mjs';

const run = promisify(execFile);
async function mcp(args) {
  requireBinary(MCP_BIN, 'fini-mcp');
  try {
    const { stdout, stderr } = await run(MCP_BIN, args, { env: childEnv(), timeout: 20000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    if (typeof e.code !== 'number') throw e;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function loadManifests() {
  const out = [];
  for (const ts of readdirSync(MANIFESTS)) {
    const d = join(MANIFESTS, ts);
    if (!statSync(d).isDirectory()) continue;
    for (const f of readdirSync(d).filter((x) => x.endsWith('.json'))) out.push({ file: `${ts}/${f}`, ...readJson(join(d, f)) });
  }
  return out;
}
const endpoints = readJson(CONTRACT_ENDPOINTS).endpoints;
const manifests = loadManifests();
const key = (method, path) => `${method} ${path}`;

describe('manifests ↔ tests/contract/endpoints.json', () => {
  test(`${MANIFEST_COUNT} endpoints and ${MANIFEST_COUNT} manifests, unique method+path and names`, () => {
    assert.equal(endpoints.length, MANIFEST_COUNT);
    assert.equal(manifests.length, MANIFEST_COUNT);
    assert.equal(new Set(endpoints.map((e) => key(e.method, e.path))).size, MANIFEST_COUNT);
    assert.equal(new Set(manifests.map((m) => key(m.request.method, m.request.path))).size, MANIFEST_COUNT);
    assert.equal(new Set(manifests.map((m) => m.name)).size, MANIFEST_COUNT);
  });

  test('1:1 on method + path + scope (and tool name + toolset)', () => {
    const byRoute = new Map(manifests.map((m) => [key(m.request.method, m.request.path), m]));
    const problems = [];
    for (const e of endpoints) {
      const m = byRoute.get(key(e.method, e.path));
      if (!m) { problems.push(`no manifest for ${key(e.method, e.path)} (${e.tool})`); continue; }
      byRoute.delete(key(e.method, e.path));
      if (m.scope !== e.scope) problems.push(`${m.file}: scope ${m.scope}, endpoint list says ${e.scope}`);
      if (m.name !== e.tool) problems.push(`${m.file}: name ${m.name}, endpoint list says ${e.tool}`);
      if (m.toolset !== e.toolset) problems.push(`${m.file}: toolset ${m.toolset}, endpoint list says ${e.toolset}`);
      if ((m.annotations.readOnlyHint === true) !== (e.scope === 'read')) problems.push(`${m.file}: readOnlyHint ${m.annotations.readOnlyHint} with scope ${e.scope}`);
    }
    for (const [k, m] of byRoute) problems.push(`${m.file}: ${k} is not in the endpoint list`);
    assert.deepEqual(problems, []);
  });
});

describe('endpoint list ↔ sandbox route table (over HTTP, no key: 401 = routed, 404 "Cannot …" = unknown route)', () => {
  let sim;
  before(async () => { sim = await startSim({ dir: scratchDir('contract') }); });
  after(async () => { await sim?.stop(); });

  test(`the sandbox routes all ${MANIFEST_COUNT} endpoints to the right operation`, async () => {
    const problems = [];
    for (const e of endpoints) {
      const path = e.path.replace(/\{[^}]+\}/g, 'contract-probe-id');
      const res = await fetch(sim.url + path, { method: e.method });
      await res.arrayBuffer();
      if (res.status !== 401) problems.push(`${e.method} ${path}: HTTP ${res.status}, want 401 (route known, key missing)`);
    }
    const logged = await sim.since(0, { min: endpoints.length });
    for (const [i, e] of endpoints.entries()) {
      const rec = logged[i];
      if (!rec) { problems.push(`no log line for ${e.operationId}`); continue; }
      if (rec.operationId !== e.operationId) problems.push(`${e.method} ${e.path}: sandbox operationId ${rec.operationId}, want ${e.operationId}`);
      if (rec.scope !== e.scope) problems.push(`${e.method} ${e.path}: sandbox scope ${rec.scope}, want ${e.scope}`);
    }
    assert.deepEqual(problems, []);
  });
});

// Broken fixture dir → [file relative to the dir, JSON pointer or null for whole-file problems].
const BROKEN = {
  array_without_items: ['conversations/get_conversation.json', '/input/properties/tags'],
  bad_in: ['conversations/get_conversation.json', '/input/properties/id/in'],
  bad_method: ['conversations/get_conversation.json', '/request/method'],
  bad_name_pattern: ['conversations/Get-Conversation.json', '/name'],
  bad_response: ['conversations/get_conversation.json', '/request/response'],
  bad_scope: ['conversations/get_conversation.json', '/scope'],
  bad_timeout: ['conversations/get_conversation.json', '/request/timeoutMs'],
  body_and_form_mixed: ['conversations/get_conversation.json', '/input/properties/b/in'],
  duplicate_name: ['knowledge/get_conversation.json', '/name'],
  duplicate_wire_name: ['conversations/get_conversation.json', '/input/properties/max/wireName'],
  empty_description: ['conversations/get_conversation.json', '/description'],
  empty_title: ['conversations/get_conversation.json', '/title'],
  file_outside_toolset: ['get_conversation.json', null],
  form_file_not_form: ['conversations/get_conversation.json', '/input/properties/file/formFile'],
  input_does_not_compile: ['conversations/get_conversation.json', '/input/properties/id/minLength'],
  input_root_not_object: ['conversations/get_conversation.json', '/input/type'],
  input_uses_ref: ['conversations/get_conversation.json', '/input/properties/id/$ref'],
  invalid_json: ['conversations/get_conversation.json', null],
  long_description: ['conversations/get_conversation.json', '/description'],
  misplaced_private_keyword: ['conversations/get_conversation.json', '/input/properties/tags/items/in'],
  missing_annotations: ['conversations/get_conversation.json', '/annotations'],
  missing_destructive_hint: ['conversations/delete_conversation.json', '/annotations/destructiveHint'],
  missing_idempotent_hint: ['conversations/delete_conversation.json', '/annotations/idempotentHint'],
  annotation_rule_violated: ['conversations/delete_conversation.json', '/annotations/destructiveHint'],
  destructive_without_confirm: ['conversations/delete_conversation.json', '/confirm'],
  non_canonical_id: ['conversations/delete_conversation.json', '/input/properties/interactionId'],
  missing_in: ['conversations/get_conversation.json', '/input/properties/id/in'],
  missing_name: ['conversations/get_conversation.json', '/name'],
  missing_open_world_hint: ['conversations/get_conversation.json', '/annotations/openWorldHint'],
  missing_read_only_hint: ['conversations/get_conversation.json', '/annotations/readOnlyHint'],
  name_not_file_name: ['conversations/get_conversation.json', '/name'],
  name_too_long: ['conversations/get_conversation_with_a_very_long_name_xyz.json', '/name'],
  not_an_object: ['conversations/get_conversation.json', null],
  output_array_without_items: ['conversations/get_conversation.json', '/output/properties/messages'],
  output_does_not_compile: ['conversations/get_conversation.json', '/output/properties/id/oneOf'],
  output_root_not_object: ['conversations/get_conversation.json', '/output/type'],
  path_property_optional: ['conversations/get_conversation.json', '/input/required'],
  path_property_unused: ['conversations/get_conversation.json', '/input/properties/extra/in'],
  path_query_string: ['conversations/get_conversation.json', '/request/path'],
  placeholder_matched_twice: ['conversations/get_conversation.json', '/request/path'],
  placeholder_without_property: ['conversations/get_conversation.json', '/request/path'],
  private_keyword_in_output: ['conversations/get_conversation.json', '/output/properties/id/wireName'],
  read_only_write_scope: ['conversations/get_conversation.json', '/annotations/readOnlyHint'],
  required_not_declared: ['conversations/get_conversation.json', '/input/required/1'],
  schema_file_rule: ['conversations/get_conversation.json', '/title'],
  schema_file_unsupported: ['manifest.schema.json', '/properties/name/$ref'],
  style_not_query: ['conversations/get_conversation.json', '/input/properties/tags/style'],
  toolset_not_folder: ['conversations/get_conversation.json', '/toolset'],
  unknown_annotation: ['conversations/get_conversation.json', '/annotations/costly'],
  unknown_key: ['conversations/get_conversation.json', '/summary'],
  unknown_toolset: ['widgets/get_conversation.json', '/toolset'],
  wrap_missing_from_output: ['conversations/get_conversation.json', '/output/properties'],
  paging_cursor_arg_undeclared: ['conversations/get_conversation.json', '/paging/cursorArg'],
  paging_items_not_array: ['conversations/get_conversation.json', '/paging/items'],
  epoch_ms_without_iso: ['conversations/list_conversations.json', '/input/properties/until/description'],
  unknown_id_family_incomplete: ['tags/delete_tag_group.json', '/request/unknownId'],
  description_names_wire_name: ['sources/register_provider_resources.json', '/description'],
};
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('fini-mcp check', { concurrency: 2 }, () => {
  test('exits 0 on manifests/', async () => {
    const r = await mcp(['check', MANIFESTS]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${MANIFEST_COUNT} manifests OK`));
  });

  test('every broken fixture dir has an expectation here (and vice versa)', () => {
    const dirs = readdirSync(BROKEN_MANIFESTS).filter((d) => statSync(join(BROKEN_MANIFESTS, d)).isDirectory()).sort();
    assert.deepEqual(dirs, Object.keys(BROKEN).sort());
  });

  for (const [name, [file, pointer]] of Object.entries(BROKEN)) {
    test(`exits 2 on broken/${name}, naming ${file}${pointer ? ` ${pointer}` : ''} and a reason`, async (t) => {
      const dir = join(BROKEN_MANIFESTS, name);
      if (!existsSync(dir)) { t.skip('fixture dir gone'); return; }
      const r = await mcp(['check', dir]);
      assert.equal(r.code, 2, `exit code; stderr:\n${r.stderr}`);
      const filePath = join(dir, file);
      assert.ok(existsSync(filePath), `expected file ${relative(BROKEN_MANIFESTS, filePath)} exists`);
      const want = pointer === null
        ? new RegExp(`^${escapeRe(filePath)}: (?!/)\\S.{4,}$`, 'm')
        : new RegExp(`^${escapeRe(filePath)}: ${escapeRe(pointer)}: \\S.{4,}$`, 'm');
      assert.match(r.stderr, want);
    });
  }

  test('serve refuses to start (exit 2) on a broken manifest dir, naming file + pointer + reason', async () => {
    const dir = join(BROKEN_MANIFESTS, 'bad_in');
    const r = await mcp(['serve', '--manifests', dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`${escapeRe(join(dir, 'conversations/get_conversation.json'))}: /input/properties/id/in: \\S`));
  });
});
