// The command line as a person uses it, against fini-sim over loopback HTTP: help per
// subcommand, `fini-mcp tools`, `call TOOL --help` from the schema, "did you mean …", the
// confirmation question of a destructive tool asked on a real pseudo-terminal (util-linux
// `script`), the refusal without a terminal, a base URL pasted with /v2, and the README's
// "Headless automation" blocks run as written.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KEYS, MCP_BIN, REPO, TOOL_COUNT, childEnv, requireBinary, sanitizerReport, scratchDir } from './lib/env.mjs';
import { startSim } from './lib/sim.mjs';

const dir = scratchDir('cli');
let sim;

before(async () => {
  requireBinary(MCP_BIN, 'fini-mcp');
  sim = await startSim({ dir });
});
after(async () => { await sim?.stop(); });

function cliEnv(extra = {}) {
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  return childEnv({ HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local/share'), ...extra });
}

function cli(args, { env = { FINI_API_KEY: KEYS.rw }, input } = {}) {
  return new Promise((resolve) => {
    const child = execFile(MCP_BIN, args, { env: cliEnv(env), cwd: dir, timeout: 60000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      assert.equal(sanitizerReport(stderr), null, `sanitizer report in ${stderr}`);
      assert.ok(!`${stdout}${stderr}`.includes(KEYS.rw), 'the key is never printed');
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

const deletes = (mark) => sim.entries().slice(mark).filter((e) => e.method === 'DELETE');

// A conversation of the sandbox to delete (each test takes its own).
async function conversationIds(n) {
  const r = await cli(['call', 'list_conversations', '--base-url', sim.url, '--arg', `limit=${n}`]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).interactions.map((c) => c.id);
}

describe('help', { concurrency: true }, () => {
  test('fini-mcp --help lists the subcommands, one line each', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    for (const sub of ['serve', 'call', 'export', 'tools', 'login', 'logout', 'whoami', 'check']) {
      assert.match(r.stdout, new RegExp(`^\\s+${sub}\\s+\\S.*$`, 'm'), `${sub} with its one line`);
    }
    assert.doesNotMatch(r.stdout, /--tls-cert|--access-token-ttl|--workers/, 'serve options belong to serve --help');
  });

  test('each subcommand shows only its own options: call and export have no --http', async () => {
    const call = await cli(['call', '--help']);
    assert.equal(call.code, 0);
    for (const serveOnly of ['--http', '--tls-cert', '--access-token-ttl', '--workers', '--token-secret-file']) {
      assert.ok(!call.stdout.includes(serveOnly), `call --help lists ${serveOnly}`);
    }
    assert.match(call.stdout, /--arg/);
    assert.match(call.stdout, /--yes/);
    assert.match(call.stdout, /--base-url/);
    const exp = await cli(['export', '--help']);
    assert.ok(!exp.stdout.includes('--http'), 'export --help lists --http');
    assert.match(exp.stdout, /--since/);
    assert.match(exp.stdout, /--resume/);
    const serve = await cli(['serve', '--help']);
    assert.match(serve.stdout, /--http/);
  });
});

describe('tools and call TOOL --help', { concurrency: true }, () => {
  test('fini-mcp tools: names with titles grouped by toolset; --json', async () => {
    const r = await cli(['tools', '--base-url', sim.url]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^conversations\n(  \S+ +\S.*\n)+/m);
    assert.match(r.stdout, /^  list_conversations +List conversations/m);
    assert.match(r.stdout, /^  delete_conversation +.*\(asks first\)$/m);
    assert.match(r.stdout, new RegExp(`^${TOOL_COUNT} tools\\.`, 'm'));
    const j = await cli(['tools', '--json', '--base-url', sim.url]);
    const list = JSON.parse(j.stdout);
    assert.equal(list.length, TOOL_COUNT);
    const del = list.find((t) => t.name === 'delete_conversation');
    assert.deepEqual([del.toolset, del.destructive], ['conversations', true]);
    assert.ok(list.every((t) => t.title && t.toolset));
  });

  test('call TOOL --help: the arguments from the tool schema', async () => {
    const r = await cli(['call', 'list_conversations', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^fini-mcp call list_conversations \[--arg name=value\]/);
    assert.match(r.stdout, /^  since  integer/m);
    assert.match(r.stdout, /^  limit  integer/m);
    assert.ok(!r.stdout.includes('--http'));
    const del = await cli(['call', 'delete_conversation', '--help']);
    assert.match(del.stdout, /conversationId  string, required/);
    assert.match(del.stdout, /--yes/);
  });

  test('an unknown tool: exit 2 with "did you mean …"', async () => {
    const r = await cli(['call', 'list_conversation', '--base-url', sim.url]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown tool: list_conversation \(did you mean list_conversations\?\); `fini-mcp tools` lists them/);
    const help = await cli(['call', 'get_conversatoin', '--help']);
    assert.equal(help.code, 2);
    assert.match(help.stderr, /did you mean get_conversation/);
    const exp = await cli(['export', 'list_conversation', '--base-url', sim.url, '--out', join(dir, 'typo.jsonl')]);
    assert.equal(exp.code, 2);
    assert.match(exp.stderr, /'list_conversation' cannot be exported \(did you mean list_conversations\?\); pageable tools: /);
  });
});

// Runs fini-mcp under `script` (a real pseudo-terminal for stdin, stdout and stderr), answers the
// question with `answer` once it appears, and resolves with the exit code and the terminal text.
function onTerminal(args, answer) {
  const command = [MCP_BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { env: cliEnv({ FINI_API_KEY: KEYS.rw }), stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  let answered = false;
  child.stdout.on('data', (chunk) => {
    text += chunk;
    if (!answered && text.includes('[y/N]')) {
      answered = true;
      child.stdin.write(`${answer}\n`);
    }
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, text, answered })));
}

describe('confirmation of a destructive tool', () => {
  test('on a terminal: the MCP question, `n` sends nothing, `y` sends one DELETE', async () => {
    const [id] = await conversationIds(1);
    const args = ['call', 'delete_conversation', '--base-url', sim.url, '--arg', `conversationId=${id}`];
    let mark = sim.mark();
    const no = await onTerminal(args, 'n');
    assert.ok(no.answered, no.text);
    assert.match(no.text, new RegExp(`Delete conversation ${id}\\? This cannot be undone\\. \\[y/N\\]`));
    assert.equal(no.code, 1, no.text);
    assert.match(no.text, /Not done: the user answered no .*Nothing was sent to Fini/);
    assert.equal(deletes(mark).length, 0, 'n: nothing sent');

    mark = sim.mark();
    const yes = await onTerminal(args, 'y');
    assert.equal(yes.code, 0, yes.text);
    const sent = await sim.since(mark, { min: 1 });
    assert.equal(sent.filter((e) => e.method === 'DELETE').length, 1, 'y: one DELETE');
    assert.ok(sent.find((e) => e.method === 'DELETE').path.includes(id));
  });

  test('without a terminal: refused naming --yes, nothing sent; --yes sends it', async () => {
    const [, id] = await conversationIds(2);
    const args = ['call', 'delete_conversation', '--base-url', sim.url, '--arg', `conversationId=${id}`];
    const mark = sim.mark();
    const refused = await cli(args);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /no terminal to ask on; pass --yes to run it without asking/);
    assert.equal(deletes(mark).length, 0);
    const done = await cli([...args, '--yes']);
    assert.equal(done.code, 0, done.stderr);
    assert.equal((await sim.since(mark, { min: 1 })).filter((e) => e.method === 'DELETE').length, 1);
  });
});

describe('messages', { concurrency: true }, () => {
  test('--base-url with /v2: dropped with a note, and the call works', async () => {
    const r = await cli(['call', 'list_agents', '--base-url', `${sim.url}/v2`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /note: the base URL .*\/v2 ends in \/v2, .*; using http:\/\/127\.0\.0\.1:\d+\n/);
    assert.equal(JSON.parse(r.stdout).agents.length, 3);
  });

  test('TLS and connection failures name what to check', async () => {
    const port = new URL(sim.url).port;
    const tls = await cli(['call', 'list_agents', '--base-url', `https://127.0.0.1:${port}`, '--call-timeout-ms', '20000']);
    assert.equal(tls.code, 1);
    assert.match(tls.stderr, /TLS handshake with 127\.0\.0\.1:\d+ failed: .*\nCheck: that --base-url is an HTTPS server \(a plain-HTTP sandbox on this machine takes http:\/\/\), and any HTTPS_PROXY in between\./);
    const refused = await cli(['call', 'list_agents', '--base-url', 'http://127.0.0.1:1', '--call-timeout-ms', '20000']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /could not connect to 127\.0\.0\.1:1: connection refused.*\nCheck: the --base-url host and port, and behind a proxy HTTPS_PROXY/);
  });

  test('a revoked key: the 401 text speaks of the shell, not an MCP client', async () => {
    const r = await cli(['call', 'list_agents', '--base-url', sim.url], { env: { FINI_API_KEY: KEYS.revoked } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The key comes from FINI_API_KEY in your environment: replace it .* and run the command again\./);
    assert.doesNotMatch(r.stderr, /MCP client|restart the server/);
  });

  test('login: an unreachable Fini and a refused key read as two sentences', async () => {
    const down = await cli(['login', '--base-url', 'http://127.0.0.1:1'], { env: {}, input: `${KEYS.read}\n` });
    assert.equal(down.code, 1, down.stderr);
    assert.match(down.stderr, /connection refused\. Nothing was stored\.\n$/);
    const refused = await cli(['login', '--base-url', sim.url], { env: {}, input: `${KEYS.revoked}\n` });
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /[.!?] Nothing was stored\.\n$/);
  });
});

// README "Headless automation": both ```sh blocks, as written, with fini-mcp on PATH, the
// sandbox as FINI_BASE_URL and the placeholder key replaced by the sandbox's; `serve` reads
// stdin, which is empty, so it starts and ends.
test('the README "Headless automation" blocks run against the sandbox', async () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Headless automation'), readme.indexOf('## Run it as a remote server'));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.equal(blocks.length, 2, 'two shell blocks');
  const cwd = join(dir, 'readme-headless');
  mkdirSync(cwd, { recursive: true });
  const env = cliEnv({ FINI_BASE_URL: sim.url, PATH: `${dirname(MCP_BIN)}:${process.env.PATH}` });
  const mark = sim.mark();
  // One shell session: the key exported by the first block is there for the second.
  const script = blocks.join('').replaceAll('fini_…', KEYS.rw);
  const out = execFileSync('bash', ['-euo', 'pipefail', '-c', script], { cwd, env, timeout: 60000, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  assert.match(out, /^conversations$/m, 'fini-mcp tools printed the groups');
  assert.match(out, /conversationId  string, required/, 'call get_conversation --help printed the arguments');
  const conversation = JSON.parse(readFileSync(join(cwd, 'conversation.json'), 'utf8'));
  const sent = await sim.since(mark, { min: 3 });
  const deleted = sent.filter((e) => e.method === 'DELETE');
  assert.equal(deleted.length, 1);
  assert.ok(deleted[0].path.includes(conversation.id ?? conversation.conversation?.id), JSON.stringify(deleted[0]));
});
