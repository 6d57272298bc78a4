// A live raw session with the built fini-mcp: the test writes JSON-RPC lines whenever it likes,
// waits for replies/notifications by predicate (event-driven, with a deadline), and controls the
// process directly (close stdin, close its stdout, signals, /proc readings). For tests where the
// timing of the client matters (cancellation, shutdown, batches), which rawSession cannot express.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { MANIFESTS, MCP_BIN, childEnv, requireBinary, sanitizerReport } from './env.mjs';

export const rpc = (id, method, params) => JSON.stringify(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });
export const note = (method, params) => JSON.stringify(params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params });
export const call = (id, name, args = {}, progressToken) =>
  rpc(id, 'tools/call', progressToken === undefined ? { name, arguments: args } : { name, arguments: args, _meta: { progressToken } });

// Reads VmHWM / VmRSS (kB → bytes) of a live process.
export function procMem(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number((new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status) ?? [])[1]) * 1024;
  return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
}

export function startLive({ args = [], pre = [], env = {}, manifests = MANIFESTS } = {}) {
  requireBinary(MCP_BIN, 'fini-mcp');
  const child = spawn(MCP_BIN, [...pre, 'serve', '--manifests', manifests, ...args], { env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  const s = {
    child, pid: child.pid,
    stdout: '',          // every byte the server wrote (canary scans)
    stderr: '',
    messages: [],        // parsed stdout lines, in order: objects or (batch replies) arrays
    badLines: [],        // stdout lines that are not JSON
    arrivals: [],        // Date.now() of each message
    exitInfo: null,      // { code, signal, at }
  };
  const waiters = new Set();
  const poke = () => { for (const w of [...waiters]) w(); };
  let buf = '';
  child.stdout.on('data', (d) => {
    s.stdout += d;
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line === '') continue;
      try { s.messages.push(JSON.parse(line)); s.arrivals.push(Date.now()); } catch { s.badLines.push(line.slice(0, 300)); }
    }
    poke();
  });
  child.stdout.on('error', () => {});
  child.stderr.on('data', (d) => { s.stderr += d; poke(); });
  child.stdin.on('error', () => {});  // EPIPE once the server is gone
  s.exited = new Promise((resolve) => child.on('exit', (code, signal) => {
    s.exitInfo = { code, signal, at: Date.now() };
    poke();
    resolve(s.exitInfo);
  }));

  s.send = (...lines) => { child.stdin.write(lines.map((l) => `${l}\n`).join('')); };
  s.endStdin = () => { child.stdin.end(); return Date.now(); };
  s.kill = (sig) => { child.kill(sig); return Date.now(); };
  s.alive = () => s.exitInfo === null;

  // Resolves with pred()'s truthy value as soon as it has one; rejects after timeoutMs.
  s.until = (pred, { timeoutMs = 10000, what = 'condition' } = {}) => new Promise((resolve, reject) => {
    const check = () => {
      let v;
      try { v = pred(); } catch (e) { finish(); reject(e); return; }
      if (v) { finish(); resolve(v); }
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${s.messages.length} messages, alive=${s.alive()}; last: ${JSON.stringify(s.messages.slice(-3)).slice(0, 600)}; stderr tail: ${s.stderr.slice(-600)}`));
    }, timeoutMs);
    const finish = () => { clearTimeout(timer); waiters.delete(check); };
    waiters.add(check);
    check();
  });
  s.repliesTo = (id) => s.messages.filter((m) => !Array.isArray(m) && 'id' in m && m.id === id && !('method' in m));
  s.reply = (id, opts = {}) => s.until(() => s.repliesTo(id)[0], { what: `the reply to id ${JSON.stringify(id)}`, ...opts });
  s.notifications = (method) => s.messages.filter((m) => !Array.isArray(m) && m.method === method);

  s.initialize = async (protocolVersion = '2025-11-25') => {
    s.send(rpc('init', 'initialize', { protocolVersion, capabilities: {}, clientInfo: { name: 'e2e-live', version: '0' } }));
    const r = await s.reply('init');
    if (!r.result) throw new Error(`initialize failed: ${JSON.stringify(r)}`);
    s.send(note('notifications/initialized'));
    return r.result;
  };

  // SIGKILL if still running; throws on a sanitizer report.
  s.stop = async () => {
    if (s.alive()) { child.kill('SIGKILL'); await s.exited; }
    const report = sanitizerReport(s.stderr);
    if (report) throw new Error(`fini-mcp sanitizer report: ${report}\n${s.stderr.slice(0, 4000)}`);
  };
  return s;
}

// The concatenated text blocks of a tools/call result.
export const textOf = (result) => (result?.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
