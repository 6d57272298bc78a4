#!/usr/bin/env node
// Runs the skill pack against the sandbox: every tool call a skill shows is a test.
//
// Examples: every fenced block whose info string is `tool <name>` (optionally followed by
// `workspace="globex"`, to call as the sandbox's second workspace, which has no connected
// providers, then by `error="<text>"`) in skills/*/SKILL.md and skills/*/references/*.md holds the JSON arguments of
// one call. Each is validated against the tool's published inputSchema exactly as written (no
// coercion: a skill must show the right shape), then called through the real fini-mcp binary
// (SDK client over stdio) against a real fini-sim over HTTP. It must succeed, or, with error=,
// fail with a result containing that text. Examples of one skill run in document order against
// one fresh sandbox, so a delete shown after a get sees the same state a reader would.
//
// Workflows: tests/skills/workflows.mjs scripts each skill's main workflow (one per skill).
//
// Usage: node tests/skills/run_skill_examples.mjs [--manifests DIR] [--skills DIR]
// Env: FINI_MCP_BIN, FINI_SIM_BIN (default <repo>/build/asan/...). Needs tests/e2e node_modules.
// Output: one "FAIL ..." line per failure, then exactly
//   skill examples: N passed, M failed
//   skill workflows: N passed, M failed
// Exit 0 only when both have 0 failed.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { KEYS, MANIFESTS, REPO, scratchDir } from '../e2e/lib/env.mjs';
import { connect, resultText } from '../e2e/lib/mcp.mjs';
import { startSim } from '../e2e/lib/sim.mjs';
import { WORKFLOWS } from './workflows.mjs';

const require = createRequire(join(REPO, 'tests/e2e/package.json'));
const Ajv = require('ajv');

// The sandbox's clock, pinned so the windows the skills show (May 2026) hold conversations.
export const SANDBOX_NOW_MS = 1780272000000; // 2026-06-01T00:00:00Z

const kFence = /^```tool[ \t]+([a-z0-9_]+)(?:[ \t]+workspace="([a-z]+)")?(?:[ \t]+error="([^"]*)")?[ \t]*\n([\s\S]*?)^```[ \t]*$/gm;
const kWorkspaceKeys = { acme: KEYS.rw, globex: KEYS.globexRw };

export function extractExamples(skillsDir) {
  const out = [];
  for (const skill of readdirSync(skillsDir).sort()) {
    const dir = join(skillsDir, skill);
    const main = join(dir, 'SKILL.md');
    if (!existsSync(main)) continue;
    const files = [main];
    const refs = join(dir, 'references');
    if (existsSync(refs)) for (const f of readdirSync(refs).sort()) if (f.endsWith('.md')) files.push(join(refs, f));
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(kFence)) {
        const line = text.slice(0, m.index).split('\n').length;
        let args;
        let parseError = null;
        try { args = JSON.parse(m[4]); } catch (e) { parseError = e.message; }
        out.push({ skill, file: relative(skillsDir, file), line, tool: m[1], workspace: m[2] ?? 'acme', error: m[3] ?? null, args, parseError });
      }
    }
  }
  return out;
}

// fn(client, tools, sim, clientFor): clientFor(workspace) opens (once) a session with that
// workspace's key against the same sandbox.
async function withSandbox(dir, manifests, fn) {
  const sim = await startSim({ dir, args: ['--now', String(SANDBOX_NOW_MS), '--job-step-ms', '20'] });
  const sessions = new Map();
  const clientFor = async (workspace) => {
    const key = kWorkspaceKeys[workspace];
    if (!key) throw new Error(`unknown sandbox workspace "${workspace}"`);
    if (!sessions.has(workspace)) {
      sessions.set(workspace, await connect({ dir, manifests, args: ['--base-url', sim.url, '--no-confirm'], env: { FINI_API_KEY: key } }));
    }
    return sessions.get(workspace).client;
  };
  try {
    const client = await clientFor('acme');
    const { tools } = await client.listTools();
    return await fn(client, new Map(tools.map((t) => [t.name, t])), sim, clientFor);
  } finally {
    for (const session of sessions.values()) await session.close().catch(() => {});
    await sim.stop().catch(() => {});
  }
}

// One example: schema check as written, then the call. Returns null (pass) or the reason.
async function runExample(client, tools, ex, ajv) {
  if (ex.parseError) return `arguments are not JSON: ${ex.parseError}`;
  const tool = tools.get(ex.tool);
  if (!tool) return `no tool ${ex.tool} in tools/list`;
  const validate = ajv.compile(tool.inputSchema);
  // An example of an argument error shows what the server answers; the others must be valid as written.
  if (ex.error === null && !validate(ex.args)) {
    return `arguments do not match ${ex.tool}'s inputSchema: ${ajv.errorsText(validate.errors)}`;
  }
  const result = await client.callTool({ name: ex.tool, arguments: ex.args }, undefined, { timeout: 60000 });
  const text = resultText(result);
  if (ex.error === null) return result.isError ? `failed: ${text.slice(0, 300)}` : null;
  if (!result.isError) return `expected an error containing "${ex.error}", but it succeeded`;
  return text.includes(ex.error) ? null : `expected an error containing "${ex.error}", got: ${text.slice(0, 300)}`;
}

export async function runAll({ manifests = MANIFESTS, skillsDir = join(REPO, 'skills'), log = console.log } = {}) {
  const dir = scratchDir('skills');
  const examples = extractExamples(skillsDir);
  const skills = [...new Set(readdirSync(skillsDir).filter((s) => existsSync(join(skillsDir, s, 'SKILL.md'))))].sort();
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  const ex = { passed: 0, failed: 0 };
  for (const skill of skills) {
    const mine = examples.filter((e) => e.skill === skill);
    if (mine.length === 0) { ex.failed++; log(`FAIL ${skill}: the skill shows no \`\`\`tool example`); continue; }
    await withSandbox(dir, manifests, async (client, tools, sim, clientFor) => {
      for (const e of mine) {
        let why;
        try { why = await runExample(await clientFor(e.workspace), tools, e, ajv); } catch (err) { why = `threw: ${err.message}`; }
        if (why) { ex.failed++; log(`FAIL ${e.file}:${e.line} ${e.tool}: ${why}`); } else ex.passed++;
      }
    });
  }
  const wf = { passed: 0, failed: 0 };
  for (const skill of skills) {
    const flow = WORKFLOWS[skill];
    if (!flow) { wf.failed++; log(`FAIL workflow ${skill}: none in tests/skills/workflows.mjs`); continue; }
    await withSandbox(dir, manifests, async (client, tools, sim) => {
      try {
        await flow(makeCaller(client), { sim, tools });
        wf.passed++;
      } catch (err) {
        wf.failed++;
        log(`FAIL workflow ${skill}: ${err.message}`);
      }
    });
  }
  log(`skill examples: ${ex.passed} passed, ${ex.failed} failed`);
  log(`skill workflows: ${wf.passed} passed, ${wf.failed} failed`);
  return { examples: ex, workflows: wf };
}

// call(name, args) → structuredContent (throws with the result text when isError).
function makeCaller(client) {
  return async (name, args = {}) => {
    const r = await client.callTool({ name, arguments: args }, undefined, { timeout: 60000 });
    if (r.isError) throw new Error(`${name} ${JSON.stringify(args).slice(0, 200)}: ${resultText(r).slice(0, 300)}`);
    return r.structuredContent ?? { text: resultText(r) };
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { manifests: { type: 'string' }, skills: { type: 'string' } } });
  const r = await runAll({ manifests: values.manifests, skillsDir: values.skills });
  process.exit(r.examples.failed === 0 && r.workflows.failed === 0 ? 0 : 1);
}
