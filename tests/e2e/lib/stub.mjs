// A tiny loopback stand-in for the Fini API, for tests that need an upstream but not the sandbox
// (core protocol tests): answers GET /v2/bots/public (and the key's write-scope probe),
// optionally after a delay.
import { createServer } from 'node:http';

export async function startStub({ delayMs = 0 } = {}) {
  const requests = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, headers: req.headers, authorization: req.headers.authorization, userAgent: req.headers['user-agent'] });
    const reply = () => {
      if (req.method === 'POST' && req.url === '/v2/hc-rules/public') {
        // What Fini answers to the server's write-scope probe (an empty createRule): 400.
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ statusCode: 400, message: 'name should not be empty', error: 'Bad Request' }));
      } else if (req.method === 'GET' && req.url.split('?')[0] === '/v2/bots/public') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify([{ id: 'bot-1', name: 'Stub Agent' }]));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ statusCode: 404, message: 'Not Found', error: 'Not Found' }));
      }
    };
    if (delayMs > 0) setTimeout(reply, delayMs); else reply();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const sockets = new Set();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

// Hostile upstreams for the hardening tests (tests/e2e/hardening.test.mjs). Each is a plain
// node:http server on 127.0.0.1:0 that records what reached it.
async function listen(handler) {
  const server = createServer(handler);
  const sockets = new Set();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    server,
    url: `http://127.0.0.1:${server.address().port}`,
    openSockets: () => sockets.size,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

// GET /v2/bots/public answers 200 with headers at once, then one body byte every `intervalMs`,
// forever (a valid-looking JSON array that never closes). Every other route answers a small JSON
// array at once. `dripping()` = drip responses whose socket is still open.
export async function startDripStub({ intervalMs = 200 } = {}) {
  const requests = [];
  let open = 0;
  const timers = new Set();
  const base = await listen((req, res) => {
    requests.push({ method: req.method, url: req.url, at: Date.now() });
    if (req.url.split('?')[0] !== '/v2/bots/public') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify([{ id: 'tg-1', title: 'Fast group', companyId: 'acme' }]));
      return;
    }
    open++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('[');
    const t = setInterval(() => res.write(' '), intervalMs);
    timers.add(t);
    let closed = false;
    const done = () => { if (!closed) { closed = true; open--; clearInterval(t); timers.delete(t); } };
    req.socket.on('close', done);
    res.on('close', done);
  });
  return {
    ...base, requests,
    dripping: () => open,
    async stop() { for (const t of timers) clearInterval(t); await base.stop(); },
  };
}

// Echoes the Authorization header it receives into the JSON body, as values and as object keys,
// nested, for every route (200 for GET /v2/bots/public, 400 with the header in the message
// otherwise). `seen` = the Authorization values received (to prove the key was really sent).
export async function startEchoAuthStub() {
  const seen = [];
  const base = await listen((req, res) => {
    const auth = req.headers.authorization ?? '';
    seen.push(auth);
    const raw = auth.replace(/^Bearer\s+/i, '');
    // Fini's shape for list agents (a top-level array, so the answer passes the outputSchema check
    // and reaches structuredContent), with the key echoed as keys and values, nested.
    const body = [{
      id: 'bot-1', name: auth, [raw]: raw, nested: { deeper: [raw, auth, { [auth]: [raw, `key=${raw};`] }] },
      echoed: { authorization: auth, headers: { ...req.headers }, [raw]: { again: raw } },
    }];
    if (req.url.split('?')[0] === '/v2/bots/public') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    } else {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 400, message: `bad key ${raw} (${auth})`, error: 'Bad Request', echoed: body }));
    }
  });
  return { ...base, seen };
}

// GET /v2/bots/public answers a `bytes`-long JSON array of agents, streamed in 64 KiB chunks with
// back-pressure (Content-Length, or chunked when `chunked`). `sent()` = body bytes written.
export async function startHugeStub({ bytes = 50 * 1024 * 1024, chunked = false } = {}) {
  let sent = 0;
  const item = JSON.stringify({ id: 'bot-00000000', name: 'x'.repeat(200), description: 'y'.repeat(300) });
  const base = await listen(async (req, res) => {
    if (req.url.split('?')[0] !== '/v2/bots/public') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 404, message: 'Not Found', error: 'Not Found' }));
      return;
    }
    // '[' item (',' item)* ']' padded to exactly `bytes`.
    const per = item.length + 1;
    const n = Math.floor((bytes - 2) / per);
    const pad = bytes - 2 - n * per + 1;  // spaces before ']'
    res.writeHead(200, chunked ? { 'content-type': 'application/json' } : { 'content-type': 'application/json', 'content-length': String(bytes) });
    let aborted = false;
    res.on('close', () => { aborted = true; });
    const chunkItems = Math.floor(65536 / per);
    let i = 0;
    const write = (s) => { sent += Buffer.byteLength(s); return res.write(s); };
    write('[');
    while (i < n && !aborted) {
      const k = Math.min(chunkItems, n - i);
      let s = '';
      for (let j = 0; j < k; j++) s += (i + j === 0 ? '' : ',') + item;
      i += k;
      if (!write(s)) await new Promise((r) => { const done = () => { res.off('drain', done); res.off('close', done); r(); }; res.on('drain', done); res.on('close', done); });
    }
    if (!aborted) { write(`${' '.repeat(pad)}]`); res.end(); }
  });
  return { ...base, sent: () => sent };
}
