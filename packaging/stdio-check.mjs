#!/usr/bin/env node
// Talks raw JSON-RPC to an MCP server over stdio (no SDK, so it runs straight from an unpacked bundle):
// initialize, tools/list and prompts/list (following nextCursor), and optionally one tools/call.
// Prints one JSON line: {serverInfo, tools, prompts, toolNames, call}. Exit 1 on any protocol failure.
//   node stdio-check.mjs [--call TOOL] [--cwd DIR] -- COMMAND ARGS...   (env is inherited)
import { spawn } from "node:child_process";

const argv = process.argv.slice(2);
const sep = argv.indexOf("--");
if (sep < 0 || sep === argv.length - 1) { console.error("usage: stdio-check.mjs [--call TOOL] -- CMD ARGS..."); process.exit(2); }
const opts = argv.slice(0, sep), [cmd, ...args] = argv.slice(sep + 1);
const callTool = opts.includes("--call") ? opts[opts.indexOf("--call") + 1] : null;
const cwd = opts.includes("--cwd") ? opts[opts.indexOf("--cwd") + 1] : process.cwd();

const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"], cwd });
let stderr = "";
child.stderr.on("data", (d) => { stderr += d; });
const timer = setTimeout(() => fail("timed out after 15 s"), 15000);
function fail(msg) {
  console.error(`stdio-check: ${msg}${stderr ? `\nserver stderr:\n${stderr.slice(-2000)}` : ""}`);
  child.kill("SIGKILL");
  process.exit(1);
}
child.on("error", (e) => fail(`cannot start ${cmd}: ${e.message}`));
child.on("exit", (code, sig) => { if (!done) fail(`server exited early (${code ?? sig})`); });

const pending = new Map();
let buf = "", nextId = 1, done = false;
child.stdout.on("data", (d) => {
  buf += d;
  for (let nl; (nl = buf.indexOf("\n")) >= 0;) {
    const line = buf.slice(0, nl); buf = buf.slice(nl + 1);
    if (!line.trim()) continue;
    let msg;
    try { msg = JSON.parse(line); } catch { fail(`not JSON on stdout: ${line.slice(0, 200)}`); }
    if (msg.id !== undefined && pending.has(msg.id)) { pending.get(msg.id)(msg); pending.delete(msg.id); }
  }
});
const send = (m) => child.stdin.write(`${JSON.stringify(m)}\n`);
const request = (method, params) => new Promise((resolve) => {
  const id = nextId++;
  pending.set(id, (msg) => (msg.error ? fail(`${method}: ${JSON.stringify(msg.error)}`) : resolve(msg.result)));
  send({ jsonrpc: "2.0", id, method, params });
});
async function listAll(method, key) {
  const items = [];
  let cursor;
  do {
    const r = await request(method, cursor ? { cursor } : {});
    items.push(...r[key]);
    cursor = r.nextCursor;
  } while (cursor);
  return items;
}

const init = await request("initialize", { protocolVersion: "2025-06-18", capabilities: {},
                                           clientInfo: { name: "fini-stdio-check", version: "1.0.0" } });
send({ jsonrpc: "2.0", method: "notifications/initialized" });
const tools = await listAll("tools/list", "tools");
const prompts = await listAll("prompts/list", "prompts");
let call = null;
if (callTool) {
  const r = await request("tools/call", { name: callTool, arguments: {} });
  call = { isError: r.isError === true, text: (r.content ?? []).map((c) => c.text ?? "").join("\n").slice(0, 500) };
}
done = true;
clearTimeout(timer);
child.stdin.end();
const exited = new Promise((r) => child.once("exit", r));
const slow = setTimeout(() => child.kill("SIGKILL"), 5000);
await exited;
clearTimeout(slow);
console.log(JSON.stringify({ serverInfo: init.serverInfo, protocolVersion: init.protocolVersion,
                             tools: tools.length, prompts: prompts.length,
                             toolNames: tools.map((t) => t.name), call }));
