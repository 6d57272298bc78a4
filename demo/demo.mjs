#!/usr/bin/env node
// `make demo`: a realistic operator session against the local Fini sandbox. Starts fini-sim on a free
// port, runs the real fini-mcp binary under the official MCP SDK client (stdio), and prints a readable
// transcript. --json also prints every JSON-RPC message. Exit 0 only when every step gave the expected
// result; every child process is killed on every exit path.
//
//   node demo/demo.mjs --mcp build/release/server/fini-mcp --sim build/release/sim/fini-sim [--json]
//                      [--node-modules tests/e2e/node_modules] [--timeout-ms 30000]
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RW_KEY = "fini_sandbox_acme_rw_1d9a7e3c52"; // public sandbox keys (sim/fixtures/keys.json)
const READ_KEY = "fini_sandbox_acme_read_5f0c2a91d3";

function parseArgs(argv) {
  const opts = { json: false, mcp: null, sim: null, nodeModules: join(repo, "tests/e2e/node_modules"),
                 timeoutMs: 30000, jobStepMs: 100 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], next = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--json") opts.json = true;
    else if (a === "--mcp") opts.mcp = resolve(next());
    else if (a === "--sim") opts.sim = resolve(next());
    else if (a === "--node-modules") opts.nodeModules = resolve(next());
    else if (a === "--timeout-ms") opts.timeoutMs = Number(next());
    else if (a === "--job-step-ms") opts.jobStepMs = Number(next());
    else if (a === "-h" || a === "--help") usage(null);
    else usage(`unknown argument ${a}`);
  }
  if (!opts.mcp || !opts.sim) usage("--mcp and --sim are required");
  for (const p of [opts.mcp, opts.sim]) if (!existsSync(p)) usage(`not found: ${p} (run make release)`);
  return opts;
}
function usage(err) {
  const text = "usage: demo.mjs --mcp FINI_MCP --sim FINI_SIM [--json] [--node-modules DIR] [--timeout-ms N]";
  if (err) { console.error(`demo: ${err}\n${text}`); process.exit(2); }
  console.log(text); process.exit(0);
}

// ---- output -------------------------------------------------------------------------------------
const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (s) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = paint("1"), dim = paint("2"), cyan = paint("36"), green = paint("32"), red = paint("31");
const out = (s = "") => process.stdout.write(`${s}\n`);
const heading = (n, s) => out(`\n${bold(`${n}. ${s}`)}`);
const asks = (s) => out(`${cyan("operator >")} ${s}`);
const calls = (tool, args) => out(dim(`  -> ${tool} ${JSON.stringify(args)}`));
const says = (s) => out(`  ${s}`);
const clip = (s, n = 110) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

class DemoFailure extends Error {}
function expect(cond, what) { if (!cond) throw new DemoFailure(what); }

// ---- processes ----------------------------------------------------------------------------------
const serverLog = []; // last stderr lines of the fini-mcp processes
const children = new Set(); // pids we started, killed on every exit path
function killAll() {
  for (const pid of children) { try { process.kill(pid, "SIGKILL"); } catch { /* already gone */ } }
  children.clear();
}
process.on("exit", killAll);
// A closed stdout (e.g. piped into head) ends the demo quietly instead of with an EPIPE trace.
process.stdout.on("error", (e) => { killAll(); process.exit(e.code === "EPIPE" ? 0 : 1); });
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => { killAll(); process.exit(130); });

function startSim(simPath, jobStepMs, stateDir) {
  const sim = spawn(simPath, ["--port", "0", "--job-step-ms", String(jobStepMs), "--log-level", "error",
                              "--threads", "4"], { stdio: ["ignore", "pipe", "pipe"], cwd: stateDir });
  children.add(sim.pid);
  let err = "";
  sim.stderr.on("data", (d) => { err += d; });
  return new Promise((resolveUrl, reject) => {
    let buf = "";
    const onData = (d) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      sim.stdout.off("data", onData);
      try { resolveUrl({ proc: sim, url: JSON.parse(buf.slice(0, nl)).url }); }
      catch { reject(new DemoFailure(`fini-sim printed ${JSON.stringify(buf.slice(0, nl))}, not {"url":…}`)); }
    };
    sim.stdout.on("data", onData);
    sim.on("exit", (code) => reject(new DemoFailure(`fini-sim exited (${code}) before listening: ${err.trim()}`)));
  });
}

// Forwards to the SDK transport and, with --json, prints each JSON-RPC message as it passes.
class TapTransport {
  constructor(inner, label, show) {
    this.inner = inner; this.label = label; this.show = show;
    inner.onmessage = (m) => { this.log("<-", m); this.onmessage?.(m); };
    inner.onerror = (e) => this.onerror?.(e);
    inner.onclose = () => this.onclose?.();
  }
  log(dir, m) { if (this.show) out(dim(`     ${this.label} ${dir} ${clip(JSON.stringify(m), 400)}`)); }
  get pid() { return this.inner.pid; }
  async start() {
    await this.inner.start();
    if (this.inner.pid) children.add(this.inner.pid);
    // Drain the server's stderr (a full pipe would block it); shown when the demo fails.
    this.inner.stderr?.on("data", (d) => { serverLog.push(`${this.label}: ${d}`.trimEnd()); serverLog.splice(0, serverLog.length - 20); });
  }
  async send(m, o) { this.log("->", m); return this.inner.send(m, o); }
  async close() { const pid = this.inner.pid; await this.inner.close(); if (pid) children.delete(pid); }
  setProtocolVersion(v) { this.inner.setProtocolVersion?.(v); }
}

// ---- the session --------------------------------------------------------------------------------
async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const deadline = setTimeout(() => {
    console.error(red(`demo: FAILED: did not finish within ${opts.timeoutMs} ms`));
    killAll();
    process.exit(1);
  }, opts.timeoutMs);

  const sdkDir = join(opts.nodeModules, "@modelcontextprotocol/sdk/dist/esm/client");
  if (!existsSync(sdkDir)) throw new DemoFailure(`MCP SDK not found in ${opts.nodeModules} (run make node-deps)`);
  const { Client } = await import(pathToFileURL(join(sdkDir, "index.js")).href);
  const { StdioClientTransport } = await import(pathToFileURL(join(sdkDir, "stdio.js")).href);

  // A private HOME/XDG dir: the server must not read or write the operator's stored profiles.
  const home = mkdtempSync(join(tmpdir(), "fini-demo-"));
  const clients = [];
  let sim;
  try {
    out(bold("fini-mcp demo: an operator session against the Fini sandbox"));
    const simStart = await startSim(opts.sim, opts.jobStepMs, home);
    sim = simStart.proc;
    const { url } = simStart;
    out(dim(`sandbox: fini-sim at ${url} (workspace "acme"); server: ${opts.mcp}`));

    const connect = async (label, key, extra = []) => {
      const inner = new StdioClientTransport({
        command: opts.mcp, args: ["serve", "--base-url", url, ...extra], stderr: "pipe",
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, XDG_CONFIG_HOME: join(home, ".config"),
               FINI_API_KEY: key },
      });
      const client = new Client({ name: "fini-demo", version: "1.0.0" });
      const transport = new TapTransport(inner, label, opts.json);
      await client.connect(transport);
      clients.push(client);
      return client;
    };
    const tool = async (client, name, args, { allowError = false } = {}) => {
      calls(name, args);
      const r = await client.callTool({ name, arguments: args });
      if (!allowError) expect(!r.isError, `${name} failed: ${r.content?.[0]?.text}`);
      return r;
    };

    const rw = await connect("rw", RW_KEY);
    const info = rw.getServerVersion();
    const { tools } = await rw.listTools();
    out(dim(`connected: ${info.name} ${info.version}, ${tools.length} tools`));
    // The 56 Fini endpoints (one manifest each) plus the local export and query_export tools.
    expect(tools.length === 58, `expected 58 tools, got ${tools.length}`);

    // 1. Agents
    heading(1, "Which agents do we have?");
    asks("List our support agents.");
    const agents = (await tool(rw, "list_agents", {})).structuredContent.agents;
    expect(Array.isArray(agents) && agents.length > 0, "list_agents returned no agents");
    for (const a of agents) says(`- ${a.name} ${dim(`(${a.id})`)}`);
    const support = agents.find((a) => /support/i.test(a.name)) ?? agents[0];

    // 2. Ask and continue
    heading(2, `Ask ${support.name} a customer question, then follow up`);
    const q1 = "How do I reset my password?";
    asks(`Ask ${support.name}: "${q1}"`);
    const a1 = (await tool(rw, "generate_answer", { agentId: support.id, content: q1 })).structuredContent.events;
    const reply1 = a1?.find((e) => e.role === "finibot");
    expect(reply1?.message, "generate_answer returned no agent reply");
    says(`${support.name}: "${clip(reply1.message)}"`);
    if (reply1.usedArticles?.length) says(dim(`  (cited: ${reply1.usedArticles.map((u) => u.title).join(", ")})`));

    // generate_answer does not return the conversation id: the newest conversation of this agent is it.
    says(dim("generate_answer does not return the conversation id; find it as the agent's newest conversation:"));
    const recent = (await tool(rw, "list_conversations", { agentId: support.id, limit: 1 })).structuredContent;
    const conv = recent.interactions?.[0];
    expect(conv?.events?.some((e) => e.id === reply1.id), "newest conversation does not hold the reply just given");
    says(`conversation ${conv.id}`);

    const q2 = "And if I no longer have access to that email address?";
    asks(`Continue the same conversation: "${q2}"`);
    const a2 = (await tool(rw, "generate_answer", { conversationId: conv.id, content: q2 })).structuredContent.events;
    const reply2 = a2?.find((e) => e.role === "finibot");
    expect(reply2?.message, "the follow-up got no agent reply");
    says(`${support.name}: "${clip(reply2.message)}"`);

    asks("Show me the whole conversation.");
    const full = (await tool(rw, "get_conversation", { conversationId: conv.id })).structuredContent;
    expect(full.events?.length >= 4, `expected 4+ events, got ${full.events?.length}`);
    for (const e of full.events) says(`${e.role.padEnd(8)} ${clip(e.message ?? "", 90)}`);

    // 3. Export with paging
    heading(3, "Export last week's conversations (paged)");
    const until = Date.now(), since = until - 7 * 24 * 3600 * 1000;
    asks("Export every conversation from the last 7 days, 10 per page.");
    let cursor, pages = 0, convs = 0, messages = 0, resolved = 0;
    const channels = new Map();
    const seen = new Set();
    do {
      const args = { since, until, limit: 10, ...(cursor ? { cursor, direction: "next" } : {}) };
      const page = (await tool(rw, "list_conversations", args)).structuredContent;
      pages++;
      for (const c of page.interactions) {
        expect(!seen.has(c.id), `conversation ${c.id} appeared on two pages`);
        seen.add(c.id);
        convs++;
        messages += c.events?.filter((e) => e.type === "message").length ?? 0;
        if (c.resolved) resolved++;
        channels.set(c.channel ?? "unknown", (channels.get(c.channel ?? "unknown") ?? 0) + 1);
      }
      says(`page ${pages}: ${page.interactions.length} conversations${page.hasMore ? `, nextCursor ${page.nextCursor}` : ", last page"}`);
      cursor = page.hasMore ? page.nextCursor : undefined;
      expect(pages < 50, "paging did not stop after 50 pages");
    } while (cursor);
    expect(pages >= 2, `expected 2+ pages, got ${pages}`);
    says(`total: ${convs} conversations, ${messages} messages, ${resolved} resolved; by channel: ` +
         [...channels].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", "));

    // 4. Ingest, poll, generate knowledge
    heading(4, "Ingest a help-centre page and draft knowledge from it");
    const pageUrl = "https://help.acme.example/returns-policy";
    asks(`Ingest ${pageUrl} and tell me when it is processed.`);
    const ing = (await tool(rw, "ingest_sources", { sourceIdsToAdd: [pageUrl] })).structuredContent;
    const sourceId = ing.addedDocumentIds?.[0];
    expect(sourceId, "ingest_sources returned no addedDocumentIds");
    says(`queued as source ${sourceId}`);
    const statuses = [];
    let source;
    for (let i = 0; i < 100; i++) {
      source = (await rw.callTool({ name: "get_source", arguments: { sourceId } })).structuredContent;
      if (statuses.at(-1) !== source?.linkedJobStatus) statuses.push(source?.linkedJobStatus);
      if (["COMPLETED", "FAILED"].includes(source?.linkedJobStatus)) break;
      await new Promise((r) => setTimeout(r, Math.max(25, opts.jobStepMs / 2)));
    }
    calls("get_source", { sourceId });
    says(`linkedJobStatus: ${statuses.join(" -> ")}`);
    expect(source?.linkedJobStatus === "COMPLETED", `ingestion ended ${source?.linkedJobStatus}`);

    asks("Draft an article from it for review (not live).");
    const gk = (await tool(rw, "generate_knowledge", {
      candidateKnowledge: "Items can be returned within 30 days of delivery for a full refund; start from Orders > Return.",
      origin: "sources", sourceId, isDraft: true,
    })).structuredContent;
    expect(gk.backgroundJobId, "generate_knowledge returned no backgroundJobId");
    let job;
    for (let i = 0; i < 100; i++) {
      job = (await rw.callTool({ name: "check_knowledge_jobs", arguments: { jobIds: [gk.backgroundJobId] } }))
        .structuredContent.jobs?.[0];
      if (job?.jobStatus === "COMPLETED" || job?.jobStatus === "FAILED") break;
      await new Promise((r) => setTimeout(r, Math.max(25, opts.jobStepMs / 2)));
    }
    calls("check_knowledge_jobs", { jobIds: [gk.backgroundJobId] });
    expect(job?.jobStatus === "COMPLETED", `knowledge job ended ${job?.jobStatus}`);
    says(`job ${job.id}: COMPLETED, draft article ${job.hcArticleId}`);
    says(dim("It is a draft: it lands in Review and Approvals and is not used in answers until approved."));

    // 5. Read-only key
    heading(5, "A read-only key cannot write");
    // A read-only key hides write tools once its scopes are known; --show-all-tools keeps them listed so
    // the refusal comes from Fini itself and is explained.
    const ro = await connect("ro", READ_KEY, ["--show-all-tools"]);
    says(dim("second server: the read-only key, started with --show-all-tools"));
    asks("(with the read-only key) Create a tag group called \"Refund reasons\".");
    const denied = await tool(ro, "create_tag_group", { title: "Refund reasons" }, { allowError: true });
    const text = denied.content?.map((c) => c.text ?? "").join(" ") ?? "";
    expect(denied.isError === true, "the write with a read-only key was not refused");
    expect(/403|permission|scope|write/i.test(text), `the refusal does not explain itself: ${text}`);
    for (const line of text.split("\n").filter(Boolean).slice(0, 4)) says(red(clip(line, 400)));
    const stillThere = (await tool(ro, "list_tag_groups", {})).structuredContent;
    const groups = Object.values(stillThere ?? {}).find(Array.isArray);
    expect(Array.isArray(groups), `list_tag_groups returned ${JSON.stringify(stillThere)?.slice(0, 200)}`);
    says(`reads still work with it: ${groups.length} tag groups (${groups.slice(0, 3).map((g) => g.title ?? g.name).join(", ")}…)`);

    // 6. Skill as a prompt
    heading(6, "Fetch a skill as a prompt");
    const { prompts } = await rw.listPrompts();
    says(`${prompts.length} skills served as prompts: ${prompts.map((p) => p.name).join(", ")}`);
    const task = "export last week's escalated conversations to CSV";
    asks(`Use the export-conversations skill to: ${task}`);
    out(dim(`  -> prompts/get export-conversations {"task":"${task}"}`));
    const pr = await rw.getPrompt({ name: "export-conversations", arguments: { task } });
    const body = pr.messages?.map((m) => m.content?.text ?? "").join("\n") ?? "";
    expect(body.includes(task), "the prompt does not carry the task");
    expect(body.includes("list_conversations"), "the export skill does not mention list_conversations");
    says(`${pr.messages.length} message(s), ${body.split("\n").length} lines; it begins:`);
    for (const line of body.split("\n").filter((l) => l.trim()).slice(0, 4)) says(dim(`| ${clip(line, 100)}`));

    clearTimeout(deadline);
    out(`\n${green(bold("demo: all 6 steps passed"))} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    for (const c of clients) { try { await c.close(); } catch { /* killed below */ } }
    if (sim && sim.exitCode === null && sim.signalCode === null) {
      // Wait for the exit so the sandbox is reaped here, not left as a zombie for init.
      const gone = new Promise((r) => sim.once("exit", r));
      sim.kill("SIGTERM");
      await Promise.race([gone, new Promise((r) => setTimeout(r, 2000))]);
    }
    killAll();
    rmSync(home, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(red(`\ndemo: FAILED: ${e instanceof DemoFailure ? e.message : e?.stack ?? e}`));
  if (serverLog.length) console.error(dim(`fini-mcp stderr (last lines):\n${serverLog.join("\n")}`));
  killAll();
  process.exit(1);
});
