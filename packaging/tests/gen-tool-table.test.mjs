// node --test packaging/tests/ : the tool-table generator's --check and --write on a throw-away tree.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const gen = join(dirname(fileURLToPath(import.meta.url)), "..", "gen-tool-table.mjs");
const run = (...args) => spawnSync(process.execPath, [gen, ...args], { encoding: "utf8" });

function tree() {
  const dir = mkdtempSync(join(tmpdir(), "fini-tool-table-"));
  const tool = (toolset, name, title, scope, ro) => {
    mkdirSync(join(dir, "manifests", toolset), { recursive: true });
    writeFileSync(join(dir, "manifests", toolset, `${name}.json`), JSON.stringify({
      name, title, description: `${title}.`, toolset, scope, annotations: { readOnlyHint: ro } }));
  };
  tool("tags", "list_tags", "List tags", "read", true);
  tool("agents", "update_agent", "Update | agent", "write", false);
  return dir;
}

test("prints a sorted table with escaped pipes and counts", (t) => {
  const dir = tree();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = run("--manifests", join(dir, "manifests"));
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.match(lines[0], /^2 tools \(1 read-only, 1 write\)/);
  assert.equal(lines[2], "| toolset | tool | title | scope | read-only |");
  assert.equal(lines[4], "| agents | `update_agent` | Update \\| agent | write | no |");
  assert.equal(lines[5], "| tags | `list_tags` | List tags | read | yes |");
});

test("--check fails on a stale section, --write fixes it, --check then passes", (t) => {
  const dir = tree();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const readme = join(dir, "README.md");
  writeFileSync(readme, "# x\n\n<!-- tools:begin -->\nold\n<!-- tools:end -->\n\nafter\n");
  const m = join(dir, "manifests");
  let r = run("--manifests", m, "--check", readme);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /is stale \(first difference at table line 1\)/);
  r = run("--manifests", m, "--write", readme);
  assert.equal(r.status, 0, r.stderr);
  const text = readFileSync(readme, "utf8");
  assert.ok(text.startsWith("# x\n\n<!-- tools:begin -->\n2 tools"));
  assert.ok(text.endsWith("<!-- tools:end -->\n\nafter\n"));
  r = run("--manifests", m, "--check", readme);
  assert.equal(r.status, 0, r.stderr);
  writeFileSync(readme, text.replace("List tags", "List all tags"));
  r = run("--manifests", m, "--check", readme);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /README: {4}\| tags \| `list_tags` \| List all tags/);
});

test("--check fails when the markers are missing", (t) => {
  const dir = tree();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "README.md"), "# no markers\n");
  const r = run("--manifests", join(dir, "manifests"), "--check", join(dir, "README.md"));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /has no <!-- tools:begin --> \.\.\. <!-- tools:end --> section/);
});
