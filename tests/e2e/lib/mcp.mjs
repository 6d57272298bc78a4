// Drives the built fini-mcp: through the official SDK client (StdioClientTransport, env passed
// explicitly, stderr captured to a file) or raw, line by line, for the wire-level checks.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { readFileSync } from 'node:fs';
import { MANIFESTS, MCP_BIN, childEnv, requireBinary, sanitizerReport } from './env.mjs';

let counter = 0;

// Starts `fini-mcp [pre...] serve --manifests <repo>/manifests [args...]` and connects an SDK client.
// Returns { client, errors (transport/protocol errors: e.g. a non-JSON stdout line), stderrFile,
// close() → ms from stdin EOF to exit }.
export async function connect({ dir, args = [], pre = [], env = {}, capabilities = {}, timeout = 20000, manifests = MANIFESTS } = {}) {
  requireBinary(MCP_BIN, 'fini-mcp');
  const stderrFile = join(dir, `mcp-stderr-${process.pid}-${++counter}.log`);
  const stderr = createWriteStream(stderrFile);
  const transport = new StdioClientTransport({
    command: MCP_BIN,
    args: [...pre, 'serve', '--manifests', manifests, ...args],
    env: childEnv(env),
    stderr: 'pipe',
  });
  transport.stderr?.pipe(stderr);
  const client = new Client({ name: 'fini-mcp-e2e', version: '0.0.0' }, { capabilities });
  const errors = [];
  client.onerror = (e) => errors.push(String(e?.message ?? e));
  // Every message the client parsed from the server's stdout, serialized (canary scans).
  const messages = [];
  const origStart = transport.start.bind(transport);
  transport.start = async () => {
    const handler = transport.onmessage;
    transport.onmessage = (m, extra) => { messages.push(JSON.stringify(m)); handler?.(m, extra); };
    return origStart();
  };
  await client.connect(transport, { timeout });
  const pid = transport.pid;
  return {
    client, transport, errors, messages, stderrFile, pid,
    async close() {
      const t0 = Date.now();
      await client.close().catch(() => {});
      const ms = Date.now() - t0;
      await new Promise((r) => stderr.end(r));
      const report = sanitizerReport(readFileSync(stderrFile, 'utf8'));
      if (report) throw new Error(`fini-mcp sanitizer report (${stderrFile}): ${report}`);
      return ms;
    },
  };
}

export async function listAllTools(client, opts = {}) {
  const tools = [];
  const pages = [];
  let cursor;
  do {
    const page = await client.listTools(cursor ? { cursor } : {}, opts);
    pages.push(page);
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 1000);
  return { tools, pages };
}

// Raw session: writes `lines` (strings, sent verbatim) to `fini-mcp serve`, closes stdin, and
// collects every stdout line, the exit code, and the time from stdin EOF to exit.
export function rawSession(lines, { args = [], env = {}, closeStdin = true, manifests = MANIFESTS, timeoutMs = 10000 } = {}) {
  requireBinary(MCP_BIN, 'fini-mcp');
  return new Promise((resolve, reject) => {
    const child = spawn(MCP_BIN, ['serve', '--manifests', manifests, ...args], { env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`fini-mcp did not exit within ${timeoutMs} ms; stdout so far:\n${out}`)); }, timeoutMs);
    let eofAt = null;
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const exitMs = eofAt === null ? null : Date.now() - eofAt;
      // Wait for the pipes to drain before splitting.
      setImmediate(() => {
        const report = sanitizerReport(err);
        if (report) reject(new Error(`fini-mcp sanitizer report: ${report}\n${err.slice(0, 4000)}`));
        else resolve({ code, signal, stdout: out, stderr: err, lines: out.split('\n').filter((l) => l !== ''), exitMs });
      });
    });
    child.on('error', reject);
    child.stdin.write(lines.map((l) => `${l}\n`).join(''));
    if (closeStdin) { child.stdin.end(); eofAt = Date.now(); }
  });
}

export const INIT = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'e2e-raw', version: '0' } } });
export const INITIALIZED = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });

// The text of a tool result's first text block.
export function resultText(result) {
  return (result.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
}
