// Debian's nginx in front of fini-mcp replicas on loopback, configured from
// deploy/nginx/loopback.conf.in (which includes deploy/nginx/mcp-proxy.conf, the production proxy
// settings). Used by deploy/scale-test.mjs, deploy/slow-clients-test.mjs and the OAuth replica test.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO } from './env.mjs';

export const NGINX_BIN = process.env.NGINX_BIN || '/usr/sbin/nginx';

export const freePort = () => new Promise((r) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); });
});

// upstreams: the replicas' /mcp URLs. Resolves once nginx answers /healthz through a replica.
export async function startNginx({ dir, upstreams, workers = 1 }) {
  const port = await freePort();
  const ndir = join(dir, 'nginx');
  mkdirSync(ndir, { recursive: true });
  const fill = { DIR: ndir, PORT: String(port), WORKERS: String(workers), PROXY_CONF: join(REPO, 'deploy/nginx/mcp-proxy.conf'),
    UPSTREAMS: upstreams.map((u) => `    server ${new URL(u).host} max_fails=1 fail_timeout=5s;`).join('\n') };
  const conf = readFileSync(join(REPO, 'deploy/nginx/loopback.conf.in'), 'utf8').replace(/@([A-Z_]+)@/g, (_, k) => fill[k]);
  writeFileSync(join(ndir, 'nginx.conf'), conf);
  const child = spawn(NGINX_BIN, ['-c', join(ndir, 'nginx.conf'), '-p', ndir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}/mcp`;
  // nginx reports readiness nowhere but its socket: wait (bounded) until /healthz answers.
  const deadline = Date.now() + 10000;
  for (;;) {
    try { if ((await fetch(url.replace('/mcp', '/healthz'))).ok) break; } catch { /* not listening yet */ }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nginx did not come up; see ${ndir}/error.log`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url, port, child,
    async stop() { if (child.exitCode === null) child.kill('SIGTERM'); return exited; },
  };
}
