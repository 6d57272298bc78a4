// A small MCP 2026-07-28 ("modern era") client, written from schema/2026-07-28/schema.ts because
// the pinned SDK (1.32.2) has no modern-era client: every request carries _meta with the
// protocol version, this request's capabilities and clientInfo; there is no initialize; an
// input_required result is answered by retrying the same method and params with a new id, the
// answers in params.inputResponses and params.requestState echoed byte for byte.
// Two transports: stdio (newline-delimited JSON on the child's pipes) and Streamable HTTP
// (fetch, with MCP-Protocol-Version, Mcp-Method and Mcp-Name mirrored from the body).
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFESTS, MCP_BIN, childEnv, requireBinary, sanitizerReport } from './env.mjs';

export const MODERN = '2026-07-28';

export function modernMeta(capabilities = {}, extra = {}) {
  return {
    'io.modelcontextprotocol/protocolVersion': MODERN,
    'io.modelcontextprotocol/clientInfo': { name: 'fini-e2e-modern', version: '0.0.0' },
    'io.modelcontextprotocol/clientCapabilities': capabilities,
    ...extra,
  };
}

// Mcp-Name: plain when it is header-safe ASCII, else the base64 sentinel.
function headerValue(v) {
  const safe = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(v) && !(v.startsWith('=?base64?') && v.endsWith('?='));
  return safe ? v : `=?base64?${Buffer.from(v, 'utf8').toString('base64')}?=`;
}

let nextId = 1;

// The client proper over a transport `send(message) → Promise<{ reply, notes }>`.
function client(send) {
  const raw = (method, params) => send({ jsonrpc: '2.0', id: `m${nextId++}`, method, params });
  return {
    raw,
    // One request with its own capabilities; `answer(inputRequests, round)` → inputResponses for
    // each input_required round (default: none, the first input_required result is returned).
    async request(method, params = {}, { capabilities = {}, meta = {}, answer, maxRounds = 4 } = {}) {
      const rounds = [];
      let extra = {};
      for (let round = 0; ; round++) {
        const out = await raw(method, { ...params, ...extra, _meta: modernMeta(capabilities, meta) });
        rounds.push(out);
        const result = out.reply.result;
        if (!result || result.resultType !== 'input_required' || !answer || round + 1 >= maxRounds) {
          return { ...out, rounds };
        }
        const inputResponses = await answer(result.inputRequests ?? {}, round);
        extra = { inputResponses, ...(result.requestState !== undefined ? { requestState: result.requestState } : {}) };
      }
    },
  };
}

// fini-mcp serve (stdio) with a modern client on its pipes. Every stdout line is kept: a test
// checks that the server never sent a request (a message with both method and id).
export function startModernStdio({ dir, args = [], env = {} } = {}) {
  requireBinary(MCP_BIN, 'fini-mcp');
  const stderrFile = join(dir, `modern-stdio-${process.pid}-${nextId++}.log`);
  const stderr = createWriteStream(stderrFile);
  const child = spawn(MCP_BIN, ['serve', '--manifests', MANIFESTS, ...args], { env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.pipe(stderr);
  child.stdin.on('error', () => {});
  const messages = [];
  const pending = new Map();  // id → { resolve, notes }
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!line) continue;
      const m = JSON.parse(line);
      messages.push(m);
      if ('id' in m && !('method' in m) && pending.has(m.id)) {
        const p = pending.get(m.id);
        pending.delete(m.id);
        p.resolve({ reply: m, notes: p.notes });
      } else if ('method' in m && !('id' in m)) {
        // Notifications about one request name its progress token; keep them all in order.
        for (const p of pending.values()) p.notes.push(m);
      }
    }
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const send = (message) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to ${message.method} within 30 s`)), 30000);
    pending.set(message.id, { resolve: (v) => { clearTimeout(timer); resolve(v); }, notes: [] });
    child.stdin.write(`${JSON.stringify(message)}\n`);
  });
  return {
    ...client(send), child, messages, stderrFile,
    writeLine: (obj) => child.stdin.write(`${JSON.stringify(obj)}\n`),
    stderrText: () => readFileSync(stderrFile, 'utf8'),
    async stop() {
      child.stdin.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 15000);
      const r = await exited;
      clearTimeout(t);
      await new Promise((res) => stderr.end(res));
      const report = sanitizerReport(readFileSync(stderrFile, 'utf8'));
      if (report) throw new Error(`fini-mcp sanitizer report (${stderrFile}): ${report}`);
      return r;
    },
  };
}

// A modern client of `fini-mcp serve --http` at `url`, sending `key` as the bearer (null: none).
// `headers` are merged over the ones the revision requires (tests override them to probe checks).
export function modernHttp(url, key, { headers = {} } = {}) {
  const posts = [];
  const send = async (message) => {
    const h = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': message.params?._meta?.['io.modelcontextprotocol/protocolVersion'] ?? MODERN,
      'mcp-method': message.method,
    };
    const name = message.params?.name ?? message.params?.uri;
    if (['tools/call', 'prompts/get', 'resources/read'].includes(message.method) && typeof name === 'string') h['mcp-name'] = headerValue(name);
    if (key) h.authorization = `Bearer ${key}`;
    Object.assign(h, headers);
    const res = await fetch(url, { method: 'POST', headers: h, body: JSON.stringify(message) });
    const text = await res.text();
    const notes = [];
    let reply = null;
    if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
      for (const event of text.split('\n\n')) {
        const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
        if (!data) continue;
        const m = JSON.parse(data);
        if ('id' in m && !('method' in m)) reply = m; else notes.push(m);
      }
    } else if (text) {
      reply = JSON.parse(text);
    }
    const out = { reply, notes, status: res.status, headers: res.headers };
    posts.push(out);
    return out;
  };
  return { ...client(send), posts };
}
