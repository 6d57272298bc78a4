// The skill example runner can fail: renaming one manifest property (list_conversations'
// agentId) breaks the export-conversations examples and workflow, while the untouched
// manifests pass the same skill. Runs the real binaries (FINI_MCP_BIN, FINI_SIM_BIN).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFESTS, REPO, scratchDir } from '../e2e/lib/env.mjs';
import { runAll } from './run_skill_examples.mjs';

function oneSkill(dir) {
  const skills = join(dir, 'skills');
  cpSync(join(REPO, 'skills/export-conversations'), join(skills, 'export-conversations'), { recursive: true });
  return skills;
}

test('the untouched manifests pass the export-conversations examples and workflow', async () => {
  const dir = scratchDir('runner-ok');
  const lines = [];
  const r = await runAll({ skillsDir: oneSkill(dir), log: (l) => lines.push(l) });
  assert.equal(r.examples.failed, 0, lines.join('\n'));
  assert.equal(r.workflows.failed, 0, lines.join('\n'));
  assert.ok(r.examples.passed >= 5);
});

test('renaming list_conversations.agentId makes the runner fail', async () => {
  const dir = scratchDir('runner-broken');
  const manifests = join(dir, 'manifests');
  cpSync(MANIFESTS, manifests, { recursive: true });
  const file = join(manifests, 'conversations/list_conversations.json');
  const m = JSON.parse(readFileSync(file, 'utf8'));
  m.input.properties.agent = { ...m.input.properties.agentId, wireName: 'agentId' };
  delete m.input.properties.agentId;
  writeFileSync(file, JSON.stringify(m, null, 2));
  const lines = [];
  const r = await runAll({ manifests, skillsDir: oneSkill(dir), log: (l) => lines.push(l) });
  assert.ok(r.examples.failed >= 1, lines.join('\n'));
  assert.ok(lines.some((l) => /FAIL .*list_conversations: arguments do not match/.test(l)), lines.join('\n'));
  assert.match(lines.at(-2), /^skill examples: \d+ passed, [1-9]\d* failed$/);
});
