#!/usr/bin/env node
// Writes the Claude Code metadata: MARKET/.claude-plugin/marketplace.json (a one-plugin marketplace) and,
// in its plugin folder MARKET/fini, .claude-plugin/plugin.json and .mcp.json.
//   node gen-plugin.mjs --version 0.1.0 --dir dist/claude-plugin
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageInfo, readSkills, readTools, sharedSettings } from "./lib.mjs";

const argv = process.argv.slice(2);
const arg = (k) => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : undefined);
const version = arg("--version"), dir = arg("--dir");
if (!version || !dir) { console.error("usage: gen-plugin.mjs --version V --dir PLUGIN_DIR"); process.exit(2); }
const tools = readTools(), skills = readSkills();
const network = { hosts: packageInfo.networkHosts };
const description = `${packageInfo.description} Native Linux x86-64 build; elsewhere use the remote connector.`;

const plugin = {
  name: "fini",
  displayName: packageInfo.displayName,
  version,
  // plugin.json has no platform field: the description says it, and bin/fini-mcp says it when started.
  description,
  author: packageInfo.author,
  homepage: packageInfo.homepage,
  repository: packageInfo.repository,
  license: packageInfo.license,
  keywords: packageInfo.keywords,
  network,
  userConfig: {
    sandbox: {
      type: "boolean",
      title: "Use the built-in sandbox (no key)",
      description: "On: try every tool against a sandbox Fini workspace built into fini-mcp (sample data; nothing " +
                   "leaves this machine). The key is then ignored.",
      required: false,
      default: false,
    },
    api_key: {
      type: "string",
      title: "Fini API key",
      description: "Your Fini API key (Fini dashboard, Deploy > API Keys). Optional: leave it empty and fini-mcp " +
                   "asks for the key once, on a local page, when a tool first needs it.",
      sensitive: true,
      required: false,
    },
    ...sharedSettings,
  },
};
const marketplace = {
  name: "fini-mcp",
  owner: { name: packageInfo.author.name, url: packageInfo.author.url },
  metadata: { description: "The Fini customer-support AI platform for Claude Code.", version },
  plugins: [{ name: "fini", source: "./fini", description, version,
              license: packageInfo.license, homepage: packageInfo.homepage, keywords: packageInfo.keywords }],
};
// Explicit --manifests/--skills: the plugin keeps skills/ at its root (where Claude Code loads them),
// not next to the binary where fini-mcp would look by default.
const mcp = {
  mcpServers: {
    fini: {
      command: "${CLAUDE_PLUGIN_ROOT}/bin/fini-mcp",
      args: ["serve", "--manifests", "${CLAUDE_PLUGIN_ROOT}/manifests", "--skills", "${CLAUDE_PLUGIN_ROOT}/skills"],
      env: { FINI_API_KEY: "${user_config.api_key}", FINI_NO_CONFIRM: "${user_config.no_confirm}",
             FINI_SANDBOX: "${user_config.sandbox}",
             FINI_PROXY: "${user_config.proxy}" },
      network,
    },
  },
};
mkdirSync(join(dir, ".claude-plugin"), { recursive: true });
mkdirSync(join(dir, "fini/.claude-plugin"), { recursive: true });
const write = (f, v) => writeFileSync(join(dir, f), `${JSON.stringify(v, null, 2)}\n`);
write(".claude-plugin/marketplace.json", marketplace);
write("fini/.claude-plugin/plugin.json", plugin);
write("fini/.mcp.json", mcp);
console.log(`plugin: fini ${version}, ${tools.length} tools via .mcp.json, ${skills.length} skills -> ${dir}/fini`);
