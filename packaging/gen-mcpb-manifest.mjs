#!/usr/bin/env node
// Writes the MCP Bundle manifest.json for fini-mcp, with the tool and prompt lists generated from
// manifests/ and skills/ so they never drift from what the binary serves.
//   node gen-mcpb-manifest.mjs --version 0.1.0 --out DIR/manifest.json [--manifests DIR] [--skills DIR]
//                              [--glibc 2.34]
import { writeFileSync } from "node:fs";
import { packageInfo, readSkills, readTools, sharedSettings } from "./lib.mjs";

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
if (!args.version || !args.out) {
  console.error("usage: gen-mcpb-manifest.mjs --version V --out FILE [--manifests DIR] [--skills DIR] [--glibc X.Y]");
  process.exit(2);
}
const tools = readTools(args.manifests);
const skills = readSkills(args.skills);
const glibc = args.glibc ? ` It needs glibc ${args.glibc} or newer; every other library it uses ships inside the bundle.` : "";

const manifest = {
  // 0.3: the newest manifest version the pinned mcpb (2.1.2) does not mark experimental; 0.4 only adds
  // the "uv" server type, which a binary server does not use.
  manifest_version: "0.3",
  name: packageInfo.name,
  display_name: packageInfo.displayName,
  version: args.version,
  description: packageInfo.description,
  long_description:
    "fini-mcp exposes the Fini REST API v2 (https://api-prod.usefini.com) as MCP tools and serves the Fini " +
    "skill pack as prompts and skill:// resources. Give it a Fini API key (Fini dashboard → Deploy → API " +
    "Keys) in the extension settings, or leave the field empty and the server asks for the key once, on a " +
    "local page, the first time a tool needs it. To try it without a key, turn on \"Use the built-in sandbox\".\n\nThis bundle is a native Linux x86-64 build (server.type binary)." + glibc +
    " It has not been tested with Claude Desktop on macOS or Windows and does not claim to run there.",
  author: packageInfo.author,
  repository: { type: "git", url: packageInfo.repository },
  homepage: packageInfo.homepage,
  documentation: `${packageInfo.repository}#readme`,
  support: `${packageInfo.repository}/issues`,
  icon: "icon.png",
  icons: [{ src: "icon.png", size: "512x512" }],
  server: {
    type: "binary",
    entry_point: "server/fini-mcp",
    mcp_config: {
      command: "${__dirname}/server/fini-mcp",
      args: ["serve"],
      env: {
        FINI_API_KEY: "${user_config.api_key}",
        FINI_PROFILE: "${user_config.profile}",
        FINI_BASE_URL: "${user_config.base_url}",
        FINI_NO_CONFIRM: "${user_config.no_confirm}",
        FINI_SANDBOX: "${user_config.sandbox}",
        FINI_PROXY: "${user_config.proxy}",
      },
    },
  },
  tools: tools.map((t) => ({ name: t.name, description: t.description })),
  tools_generated: false,
  prompts: skills.map((s) => ({
    name: s.name,
    description: s.description,
    arguments: ["task"],
    text: `Use the Fini skill "${s.name}" (served by fini-mcp as the prompt of the same name and as ` +
          `skill://${s.name}) to do this task: \${arguments.task}`,
  })),
  prompts_generated: false,
  keywords: packageInfo.keywords,
  license: packageInfo.license,
  compatibility: {
    // No claude_desktop range: no Desktop version has been tested with this Linux build.
    platforms: ["linux"],
  },
  user_config: {
    sandbox: {
      type: "boolean",
      title: "Use the built-in sandbox (no key)",
      description: "On: try every tool against a sandbox Fini workspace built into fini-mcp (sample agents, " +
                   "conversations and knowledge; nothing leaves this machine). The key and URL below are then ignored.",
      required: false,
      default: false,
    },
    api_key: {
      type: "string",
      title: "Fini API key",
      description: "Your Fini API key (Deploy → API Keys). Optional: leave empty and fini-mcp asks for it once, " +
                   "on a local page, when a tool first needs it. Stored encrypted by the host.",
      sensitive: true,
      required: false,
    },
    profile: {
      type: "string",
      title: "Key profile",
      description: "Name of a key stored with `fini-mcp login --profile NAME` to use when no key is given above.",
      required: false,
      default: "default",
    },
    base_url: {
      type: "string",
      title: "Fini API base URL",
      description: "Only for a non-production Fini deployment or the local sandbox.",
      required: false,
      default: "https://api-prod.usefini.com",
    },
    ...sharedSettings,
  },
};
writeFileSync(args.out, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`manifest: ${tools.length} tools, ${skills.length} prompts -> ${args.out}`);
