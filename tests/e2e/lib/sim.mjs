// Starts fini-sim on a free loopback port (optionally HTTPS with a test PKI), reads the URL it
// prints as its first stdout line, and reads its --request-log (one JSON object per line).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SIM_BIN, childEnv, requireBinary, sanitizerReport, sleep } from './env.mjs';

export async function startSim({ dir, pki = null, args = [], requestLog = true, startTimeoutMs = 15000 } = {}) {
  requireBinary(SIM_BIN, 'fini-sim');
  const logFile = requestLog ? join(dir, `sim-requests-${Date.now()}-${Math.random().toString(16).slice(2, 6)}.jsonl`) : null;
  const stderrFile = join(dir, `sim-stderr-${Date.now()}.log`);
  const argv = ['--port', '0'];
  if (pki) argv.push('--tls-cert', pki.certFile, '--tls-key', pki.keyFile);
  if (logFile) argv.push('--request-log', logFile);
  argv.push(...args);
  const child = spawn(SIM_BIN, argv, { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = createWriteStream(stderrFile);
  child.stderr.pipe(stderr);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fini-sim printed no URL within ${startTimeoutMs} ms (${argv.join(' ')}); see ${stderrFile}`)), startTimeoutMs);
    const rl = createInterface({ input: child.stdout });
    rl.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line).url);
      } catch {
        reject(new Error(`fini-sim's first stdout line is not {"url":...}: ${line}`));
      }
      child.stdout.resume(); // keep draining whatever else it prints
    });
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`fini-sim exited (${code ?? signal}) before printing its URL: ${argv.join(' ')}; see ${stderrFile}`)); });
  });
  if (typeof url !== 'string' || !/^https?:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error(`unexpected fini-sim URL ${url}`);
  const port = Number(new URL(url).port);

  const sim = {
    url, port, logFile, stderrFile, child,
    // Every logged request so far.
    entries() {
      if (!logFile || !existsSync(logFile)) return [];
      return readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    },
    mark() { return sim.entries().length; },
    // Entries after mark; waits (briefly) until at least `min` have arrived: the sandbox may
    // write its log line just after the response went out.
    async since(mark, { min = 1, timeoutMs = 2000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const got = sim.entries().slice(mark);
        if (got.length >= min || Date.now() > deadline) return got;
        await sleep(20);
      }
    },
    // force: SIGKILL at once (a sandbox with --latency-ms would otherwise finish its sleeps).
    async stop({ force = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(force ? 'SIGKILL' : 'SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
      await new Promise((r) => stderr.end(r));
      const report = sanitizerReport(readFileSync(stderrFile, 'utf8'));
      if (report) throw new Error(`fini-sim sanitizer report (${stderrFile}): ${report}`);
      return exited;
    },
  };
  return sim;
}
