// Shared readers for the packaging generators: tool manifests (manifests/<toolset>/<tool>.json) and
// skills (skills/<name>/SKILL.md frontmatter). Throw on malformed input: these run at build time.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const packageInfo = JSON.parse(readFileSync(join(repoRoot, "packaging/package-info.json"), "utf8"));

// All tools, sorted by toolset then name.
export function readTools(manifestsDir = join(repoRoot, "manifests")) {
  const tools = [];
  for (const toolset of readdirSync(manifestsDir).sort()) {
    const dir = join(manifestsDir, toolset);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith(".json")) continue;
      const m = JSON.parse(readFileSync(join(dir, file), "utf8"));
      if (typeof m.name !== "string" || typeof m.description !== "string")
        throw new Error(`${join(dir, file)}: no name/description`);
      tools.push({ name: m.name, title: m.title ?? m.name, description: m.description,
                   toolset: m.toolset ?? toolset, scope: m.scope ?? "",
                   readOnly: m.annotations?.readOnlyHint === true });
    }
  }
  return tools.sort((a, b) => a.toolset.localeCompare(b.toolset) || a.name.localeCompare(b.name));
}

// Frontmatter scalars of each skills/<name>/SKILL.md (single-line `key: value`, optionally quoted).
export function readSkills(skillsDir = join(repoRoot, "skills")) {
  const skills = [];
  for (const name of readdirSync(skillsDir).sort()) {
    const file = join(skillsDir, name, "SKILL.md");
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    const fm = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
    if (!fm) throw new Error(`${file}: no frontmatter`);
    const meta = {};
    for (const line of fm[1].split(/\r?\n/)) {
      const m = /^([A-Za-z0-9_-]+):\s*(.*)$/.exec(line);
      if (m && m[2] !== "") meta[m[1]] = m[2].replace(/^(["'])(.*)\1$/, "$2");
    }
    if (meta.name !== name || !meta.description) throw new Error(`${file}: name must be "${name}" and description set`);
    skills.push({ name, description: meta.description });
  }
  return skills;
}

// The settings the bundle (user_config) and the plugin (userConfig) share, word for word.
export const sharedSettings = {
    no_confirm: {
      type: "boolean",
      title: "Run destructive tools without asking",
      description: "Off (default): deletes, publishing and prompt changes ask a yes/no question first. On: for automation.",
      required: false,
      default: false,
    },
    proxy: {
      type: "string",
      title: "HTTP proxy",
      description: "Only behind a corporate proxy: http://[user:password@]host:port. Empty: HTTPS_PROXY if set, else direct.",
      required: false,
      default: "",
    },
};
