// Paths, binaries, sandbox keys and scratch directories shared by the e2e tests.
// Binaries come from FINI_MCP_BIN / FINI_SIM_BIN, default <repo>/build/asan/{server/fini-mcp,sim/fini-sim}.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = resolve(E2E_DIR, '../..');
export const MCP_BIN = process.env.FINI_MCP_BIN || join(REPO, 'build/asan/server/fini-mcp');
export const SIM_BIN = process.env.FINI_SIM_BIN || join(REPO, 'build/asan/sim/fini-sim');
export const MANIFESTS = join(REPO, 'manifests');
export const SIM_FIXTURES = join(REPO, 'sim/fixtures');
export const GOLDEN_DIR = join(REPO, 'tests/golden');
export const CONTRACT_ENDPOINTS = join(REPO, 'tests/contract/endpoints.json');
export const BROKEN_MANIFESTS = join(REPO, 'tests/fixtures/manifests/broken');

// Well-known sandbox keys (sim/fixtures/keys.json): public on purpose, they only open the sandbox.
export const KEYS = {
  rw: 'fini_sandbox_acme_rw_1d9a7e3c52',
  read: 'fini_sandbox_acme_read_5f0c2a91d3',
  revoked: 'fini_sandbox_acme_revoked_77aa01',
  globexRw: 'fini_sandbox_globex_rw_9e2b6d4a81',
};

// 56 manifests (one per Fini endpoint) plus the local tools export and query_export.
export const MANIFEST_COUNT = 56;
export const LOCAL_TOOLS = ['export', 'query_export'];
export const TOOL_COUNT = MANIFEST_COUNT + LOCAL_TOOLS.length;

// Scratch space under tests/e2e/.out (git-ignored) so failures leave their logs behind.
export function scratchDir(prefix) {
  const base = join(E2E_DIR, '.out');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${prefix}-`));
}

export function requireBinary(path, what) {
  if (!existsSync(path)) {
    throw new Error(`${what} not found at ${path}: build it or set ${what === 'fini-mcp' ? 'FINI_MCP_BIN' : 'FINI_SIM_BIN'}`);
  }
  return path;
}

// The environment handed to child processes: nothing inherited except what the sanitizers and
// PATH need, plus what the test passes explicitly (the SDK would otherwise pick its own subset).
// HOME is a scratch folder so no stored key profile of the developer's machine takes part.
let scratchHome;
export function childEnv(extra = {}) {
  scratchHome ??= scratchDir('home');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratchHome, XDG_CONFIG_HOME: join(scratchHome, '.config') };
  for (const k of ['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS']) if (process.env[k]) env[k] = process.env[k];
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export function readJson(path) { return JSON.parse(readFileSync(path, 'utf8')); }

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A sanitizer report in a child's stderr (the binaries are ASan+UBSan builds in CI).
export function sanitizerReport(text) {
  const m = /(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error: |WARNING: ThreadSanitizer)[^\n]*/.exec(text ?? '');
  return m ? m[0] : null;
}
