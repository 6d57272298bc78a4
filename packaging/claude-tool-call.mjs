#!/usr/bin/env node
// Makes Claude Code call one MCP tool with no model on the network: a local stand-in for the Messages
// API (ANTHROPIC_BASE_URL) answers the first turn that offers the tool with a tool_use of it, and the
// turn that carries its tool_result with a short text. Claude Code itself runs the tool: it starts the
// server from its own configuration (a plugin install, `claude mcp add`), sends tools/call, and returns
// the result, which this script prints as one JSON line: {tool, isError, text, requests}.
//   node claude-tool-call.mjs --claude BIN --tool SUFFIX --allow mcp__SERVER [--cwd DIR]   (env inherited)
// The tool called is the offered one named mcp__SERVER…SUFFIX, e.g. --allow mcp__plugin_fini_fini --tool
// __list_agents; mcp__SERVER is also the permission rule granting that server's tools. Exit 1 when the tool was never offered
// or no result came back.
import { spawn } from "node:child_process";
import { createServer } from "node:http";

const argv = process.argv.slice(2);
const arg = (k) => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : undefined);
const claude = arg("--claude"), suffix = arg("--tool"), allow = arg("--allow"), cwd = arg("--cwd") ?? process.cwd();
if (!claude || !suffix || !allow) {
  console.error("usage: claude-tool-call.mjs --claude BIN --tool SUFFIX --allow mcp__SERVER [--cwd DIR]");
  process.exit(2);
}

let tool = null, result = null, requests = 0, waited = false;
const TOOL_USE_ID = "toolu_fini_packaging_1";

// The Messages API's streaming events for one assistant message with one content block.
function sse(res, block, stopReason) {
  const events = [
    ["message_start", { type: "message_start", message: { id: `msg_${requests}`, type: "message", role: "assistant",
      model: "claude-stand-in", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } }],
    ["content_block_start", { type: "content_block_start", index: 0,
      content_block: block.type === "tool_use" ? { ...block, input: {} } : { type: "text", text: "" } }],
    ["content_block_delta", { type: "content_block_delta", index: 0, delta: block.type === "tool_use"
      ? { type: "input_json_delta", partial_json: JSON.stringify(block.input) } : { type: "text_delta", text: block.text } }],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ["message_delta", { type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 1 } }],
    ["message_stop", { type: "message_stop" }],
  ];
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (const [event, data] of events) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  res.end();
}
function reply(res, body, block, stopReason) {
  if (body.stream) return sse(res, block, stopReason);
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ id: `msg_${requests}`, type: "message", role: "assistant", model: "claude-stand-in",
    content: [block], stop_reason: stopReason, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } }));
}
function toolResultIn(body) {
  for (const m of body.messages ?? []) {
    if (!Array.isArray(m.content)) continue;
    for (const c of m.content) if (c.type === "tool_result" && c.tool_use_id === TOOL_USE_ID) return c;
  }
  return null;
}

const server = createServer((req, res) => {
  let raw = "";
  req.on("data", (d) => { raw += d; });
  req.on("end", () => {
    if (req.method !== "POST" || !req.url.startsWith("/v1/messages") || req.url.includes("count_tokens")) {
      res.writeHead(req.url.includes("count_tokens") ? 200 : 404, { "content-type": "application/json" });
      return res.end(req.url.includes("count_tokens") ? '{"input_tokens":1}' : "{}");
    }
    requests++;
    const body = JSON.parse(raw || "{}");
    const got = toolResultIn(body);
    if (got) {
      result = got;
      return reply(res, body, { type: "text", text: "Done." }, "end_turn");
    }
    const offered = (body.tools ?? []).find((t) => typeof t.name === "string" && t.name.startsWith(`${allow}__`) && t.name.endsWith(suffix));
    if (offered && !result) {
      tool = offered.name;
      return reply(res, body, { type: "tool_use", id: TOOL_USE_ID, name: offered.name, input: {} }, "tool_use");
    }
    // MCP servers connect in the background: the first turn may offer only the tool that waits for them.
    if (!waited && (body.tools ?? []).some((t) => t.name === "WaitForMcpServers")) {
      waited = true;
      return reply(res, body, { type: "tool_use", id: "toolu_fini_wait", name: "WaitForMcpServers", input: {} }, "tool_use");
    }
    return reply(res, body, { type: "text", text: "OK." }, "end_turn");
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;

// Tool search off: MCP tools are offered by name instead of behind a search tool.
const env = { ...process.env, ANTHROPIC_BASE_URL: base, ANTHROPIC_API_KEY: "sk-ant-stand-in-not-a-key",
              ENABLE_TOOL_SEARCH: "false", MCP_TIMEOUT: "30000" };
const child = spawn(claude, ["-p", `Call the tool ending in ${suffix} once.`, "--output-format", "json",
                             "--allowedTools", allow, "WaitForMcpServers", "--max-turns", "4"],
                    { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
let out = "", err = "";
child.stdout.on("data", (d) => { out += d; });
child.stderr.on("data", (d) => { err += d; });
const timer = setTimeout(() => child.kill("SIGKILL"), 90000);
const code = await new Promise((r) => child.once("exit", (c, s) => r(c ?? s)));
clearTimeout(timer);
server.close();

const text = result ? (Array.isArray(result.content) ? result.content.map((c) => c.text ?? "").join("\n") : String(result.content ?? "")) : "";
console.log(JSON.stringify({ tool, isError: result ? result.is_error === true : null, text: text.slice(0, 2000), requests, exit: code }));
if (!tool || !result) {
  console.error(`claude-tool-call: ${tool ? "no tool_result came back" : `no tool ending in ${suffix} was offered`}\n` +
                `claude exit ${code}\nstdout: ${out.slice(-1500)}\nstderr: ${err.slice(-1500)}`);
  process.exit(1);
}
