// Tests for check_skills.mjs: each case builds a tiny repo in a temp folder and runs the checker
// as a subprocess, asserting exact output lines and the exit code. Run: node --test tests/skills/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const kChecker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'check_skills.mjs');
const kTools = ['list_agents', 'get_tag'];

function skillFile({ name = 'good-skill', description = 'Does a thing. Use when testing.', extra = '', body } = {}) {
  const text = body ?? 'Call `list_agents` then `get_tag`.\n';
  return `---\nname: ${name}\ndescription: ${description}\n${extra}---\n\n${text}`;
}

// files: {relative path: content}; null content skips the default file.
function makeRepo(files = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skills-check-'));
  const defaults = {
    'tests/contract/endpoints.json': JSON.stringify({ endpoints: kTools.map((tool) => ({ tool })) }),
    'skills/good-skill/SKILL.md': skillFile(),
    'skills/README.md': '- good-skill: test\n',
  };
  for (const [rel, content] of Object.entries({ ...defaults, ...files })) {
    if (content === null) continue;
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  return root;
}

function check(root) {
  const r = spawnSync(process.execPath, [kChecker, root], { encoding: 'utf8' });
  fs.rmSync(root, { recursive: true, force: true });
  const lines = r.stdout.trim().split('\n');
  return { code: r.status, lines, fails: lines.filter((l) => l.startsWith('FAIL')), last: lines[lines.length - 1] };
}

test('a valid pack passes and says where tool names came from', () => {
  const r = check(makeRepo());
  assert.equal(r.code, 0);
  assert.deepEqual(r.lines, [
    'note: manifests/ has no tool files yet; tool names checked against tests/contract/endpoints.json',
    'skills: 1 passed, 0 failed',
  ]);
});

test('name must match the folder', () => {
  const r = check(makeRepo({ 'skills/good-skill/SKILL.md': skillFile({ name: 'other-skill' }) }));
  assert.equal(r.code, 1);
  assert.deepEqual(r.fails, ["FAIL good-skill: name 'other-skill' does not match folder 'good-skill'"]);
  assert.equal(r.last, 'skills: 0 passed, 1 failed');
});

test('name pattern: double hyphen and upper case are rejected', () => {
  const r = check(makeRepo({
    'skills/a--b/SKILL.md': skillFile({ name: 'a--b' }),
    'skills/Upper/SKILL.md': skillFile({ name: 'Upper' }),
    'skills/README.md': 'good-skill a--b Upper\n',
  }));
  assert.equal(r.code, 1);
  assert.deepEqual(r.fails, [
    "FAIL Upper: name 'Upper' must be [a-z0-9-] without leading, trailing or double hyphens",
    "FAIL a--b: name 'a--b' must be [a-z0-9-] without leading, trailing or double hyphens",
  ]);
  assert.equal(r.last, 'skills: 1 passed, 2 failed');
});

test('name longer than 64 characters fails', () => {
  const long = 'a'.repeat(65);
  const r = check(makeRepo({ [`skills/${long}/SKILL.md`]: skillFile({ name: long }), 'skills/README.md': `good-skill ${long}` }));
  assert.deepEqual(r.fails, [`FAIL ${long}: name is 65 chars (max 64)`]);
});

test('description: angle brackets and length', () => {
  let r = check(makeRepo({ 'skills/good-skill/SKILL.md': skillFile({ description: 'Use with a <tag> inside.' }) }));
  assert.deepEqual(r.fails, ["FAIL good-skill: description must not contain '<' or '>'"]);
  r = check(makeRepo({ 'skills/good-skill/SKILL.md': skillFile({ description: 'x'.repeat(1025) }) }));
  assert.deepEqual(r.fails, ['FAIL good-skill: description is 1025 chars (max 1024)']);
  r = check(makeRepo({ 'skills/good-skill/SKILL.md': skillFile({ description: 'x'.repeat(1024) }) }));
  assert.equal(r.code, 0);
});

test('plain YAML value with ": " is reported, quoted one is fine', () => {
  let r = check(makeRepo({ 'skills/good-skill/SKILL.md': skillFile({ description: 'Use when: testing' }) }));
  // A skill whose frontmatter does not parse contributes no tool mentions.
  assert.deepEqual(r.fails, [
    "FAIL good-skill: frontmatter 'description': plain value contains ': '; quote it",
    'FAIL (pack): tool `get_tag` is not mentioned by any SKILL.md',
    'FAIL (pack): tool `list_agents` is not mentioned by any SKILL.md',
  ]);
  r = check(makeRepo({ 'skills/good-skill/SKILL.md': skillFile({ description: '"Use when: testing"' }) }));
  assert.equal(r.code, 0);
});

test('folded block description and metadata mapping parse', () => {
  const r = check(makeRepo({
    'skills/good-skill/SKILL.md': skillFile({ description: '>-\n  Does a thing.\n  Use when testing.', extra: 'metadata:\n  owner: team\n' }),
  }));
  assert.equal(r.code, 0);
});

test('unexpected frontmatter field fails', () => {
  const r = check(makeRepo({ 'skills/good-skill/SKILL.md': skillFile({ extra: 'version: 1\n' }) }));
  assert.deepEqual(r.fails, [
    "FAIL good-skill: unexpected frontmatter field 'version' (allowed: name, description, license, compatibility, metadata, allowed-tools)",
  ]);
});

test('missing frontmatter fails', () => {
  const r = check(makeRepo({ 'skills/good-skill/SKILL.md': 'no frontmatter\n' }));
  assert.deepEqual(r.fails, [
    'FAIL good-skill: SKILL.md must start with a --- frontmatter line',
    'FAIL (pack): tool `get_tag` is not mentioned by any SKILL.md',
    'FAIL (pack): tool `list_agents` is not mentioned by any SKILL.md',
  ]);
  assert.equal(r.last, 'skills: 0 passed, 3 failed');
});

test('body must stay under 500 lines', () => {
  const filler = (n) => 'Call `list_agents` then `get_tag`.\n' + 'line\n'.repeat(n - 1);
  let r = check(makeRepo({ 'skills/good-skill/SKILL.md': skillFile({ body: filler(499) }) }));
  assert.equal(r.code, 0);
  r = check(makeRepo({ 'skills/good-skill/SKILL.md': skillFile({ body: filler(500) }) }));
  assert.deepEqual(r.fails, ['FAIL good-skill: body has 500 lines (must be under 500)']);
});

test('unknown backticked tool fails; fenced blocks and dotted paths are ignored', () => {
  const body = 'Call `list_agents`, `get_tag` and `list_agent`.\nUse `metadata.user_attributes`.\n```\nnot_a_tool\n`also_not`\n```\n';
  const r = check(makeRepo({ 'skills/good-skill/SKILL.md': skillFile({ body }) }));
  assert.deepEqual(r.fails, ['FAIL good-skill: SKILL.md: `list_agent` is not a known tool']);
});

test('every contract tool must be mentioned in some SKILL.md (references do not count)', () => {
  const r = check(makeRepo({
    'skills/good-skill/SKILL.md': skillFile({ body: 'Call `list_agents`. See [refs](references/more.md).\n' }),
    'skills/good-skill/references/more.md': 'Then `get_tag`.\n',
  }));
  assert.deepEqual(r.fails, ['FAIL (pack): tool `get_tag` is not mentioned by any SKILL.md']);
  assert.equal(r.last, 'skills: 1 passed, 1 failed');
});

test('links: broken, escaping and orphan references fail', () => {
  const body = 'Call `list_agents` and `get_tag`. [a](references/missing.md) [b](../other/SKILL.md) [c](https://example.com) [d](#steps)\n';
  const r = check(makeRepo({
    'skills/good-skill/SKILL.md': skillFile({ body }),
    'skills/good-skill/references/orphan.md': 'unlinked\n',
  }));
  assert.deepEqual(r.fails, [
    "FAIL good-skill: SKILL.md: link 'references/missing.md' does not exist",
    "FAIL good-skill: SKILL.md: link '../other/SKILL.md' leaves the skill folder",
    'FAIL good-skill: references/orphan.md is not linked from SKILL.md',
  ]);
});

test('manifests, when present, are the source of tool names', () => {
  const r = check(makeRepo({
    'manifests/agents/list_agents.json': '{}',
    'manifests/manifest.schema.json': '{}',
  }));
  assert.equal(r.lines[0], 'note: tool names from 1 manifest file(s) under manifests/');
  assert.deepEqual(r.fails, ['FAIL good-skill: SKILL.md: `get_tag` is not a known tool', 'FAIL (pack): tool `get_tag` is not mentioned by any SKILL.md']);
  assert.equal(r.code, 1);
});

test('README must list every skill', () => {
  const r = check(makeRepo({ 'skills/README.md': 'nothing here\n' }));
  assert.deepEqual(r.fails, ["FAIL (pack): skills/README.md does not list 'good-skill'"]);
});

test('the real pack passes', () => {
  const root = path.resolve(path.dirname(kChecker), '..', '..');
  const r = spawnSync(process.execPath, [kChecker, root], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /^skills: \d+ passed, 0 failed$/m);
});
