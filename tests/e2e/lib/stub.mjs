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
