// Starts `fini-mcp serve --http 127.0.0.1:0` (Streamable HTTP), reads the URL it prints as its
// first stdout line, and connects the official SDK client over StreamableHTTPClientTransport with
// a key sent as `Authorization: Bearer` (per request; the server keeps no key of its own).
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { MANIFESTS, MCP_BIN, childEnv, requireBinary, sanitizerReport } from './env.mjs';

let counter = 0;

export async function startHttpServer({ dir, args = [], env = {}, listen = '127.0.0.1:0', bin = MCP_BIN, startTimeoutMs = 20000 } = {}) {
  requireBinary(bin, 'fini-mcp');
  const stderrFile = join(dir, `mcp-http-stderr-${process.pid}-${++counter}.log`);
  const stderr = createWriteStream(stderrFile);
  const argv = ['serve', '--http', listen, '--manifests', MANIFESTS, ...args];
  const child = spawn(bin, argv, { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.pipe(stderr);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fini-mcp --http printed no URL within ${startTimeoutMs} ms; see ${stderrFile}`)), startTimeoutMs);
    const rl = createInterface({ input: child.stdout });
    rl.once('line', (line) => { clearTimeout(timer); resolve(JSON.parse(line).url); child.stdout.resume(); });
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`fini-mcp --http exited (${code ?? signal}) before printing its URL; see ${stderrFile}`)); });
  });
  return {
    url, child, stderrFile, exited,
    stderrText: () => readFileSync(stderrFile, 'utf8'),
    // One parsed access-log line per request (stderr lines of type "access").
    accessLog: () => readFileSync(stderrFile, 'utf8').split('\n').filter((l) => l.startsWith('{"type":"access"')).map((l) => JSON.parse(l)),
    async stop({ signal = 'SIGTERM' } = {}) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), 15000);
      const result = await exited;
      clearTimeout(t);
      await new Promise((r) => stderr.end(r));
      const report = sanitizerReport(readFileSync(stderrFile, 'utf8'));
      if (report) throw new Error(`fini-mcp sanitizer report (${stderrFile}): ${report}`);
      return result;
    },
  };
}

// An SDK client over Streamable HTTP. `key` null: no Authorization header.
export async function connectHttp(url, key, { headers = {}, fetch: fetchImpl } = {}) {
  const h = { ...headers };
  if (key) h.Authorization = `Bearer ${key}`;
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: h }, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  const client = new Client({ name: 'fini-mcp-e2e-http', version: '0.0.0' });
  await client.connect(transport);
  return { client, transport, close: () => client.close().catch(() => {}) };
}

// A raw POST of one JSON-RPC message (for exact statuses).
export async function post(url, message, headers = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', ...headers },
    body: typeof message === 'string' ? message : JSON.stringify(message),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* SSE or empty */ }
  return { status: res.status, headers: res.headers, text, json };
}
