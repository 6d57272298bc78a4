#!/usr/bin/env node
// Prints the README tool table (toolset, tool, title, scope, read-only) generated from manifests/.
//   node packaging/gen-tool-table.mjs                  print the table
//   node packaging/gen-tool-table.mjs --check README.md  exit 1 (with a diff hint) when the text between
//                                                       <!-- tools:begin --> and <!-- tools:end --> differs
//   node packaging/gen-tool-table.mjs --write README.md  replace that section in place
//   [--manifests DIR] reads another manifest tree (tests)
import { readFileSync, writeFileSync } from "node:fs";
import { readTools } from "./lib.mjs";

const BEGIN = "<!-- tools:begin -->", END = "<!-- tools:end -->";
const argv = process.argv.slice(2);
const arg = (k) => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : undefined);

export function table(tools) {
  const cell = (s) => String(s).replace(/\|/g, "\\|").replace(/\n/g, " ");
  const rows = tools.map((t) => `| ${cell(t.toolset)} | \`${cell(t.name)}\` | ${cell(t.title)} | ${cell(t.scope)} | ${t.readOnly ? "yes" : "no"} |`);
  const reads = tools.filter((t) => t.readOnly).length;
  return [
    `${tools.length} tools (${reads} read-only, ${tools.length - reads} write), generated from \`manifests/\` by ` +
      "`node packaging/gen-tool-table.mjs`; do not edit by hand.",
    "",
    "| toolset | tool | title | scope | read-only |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

function section(text, file) {
  const b = text.indexOf(BEGIN), e = text.indexOf(END);
  if (b < 0 || e < 0 || e < b) {
    console.error(`gen-tool-table: ${file} has no ${BEGIN} ... ${END} section`);
    process.exit(1);
  }
  return { before: text.slice(0, b + BEGIN.length), body: text.slice(b + BEGIN.length, e), after: text.slice(e) };
}

const generated = table(readTools(arg("--manifests")));
const checkFile = arg("--check"), writeFile = arg("--write");
if (checkFile) {
  const { body } = section(readFileSync(checkFile, "utf8"), checkFile);
  if (body.trim() === generated.trim()) {
    console.log(`gen-tool-table: ${checkFile} tool table is up to date`);
    process.exit(0);
  }
  const have = body.trim().split("\n"), want = generated.split("\n");
  const i = want.findIndex((l, k) => l !== have[k]);
  console.error(`gen-tool-table: the tool table in ${checkFile} is stale (first difference at table line ${i + 1}):\n` +
                `  README:    ${have[i] ?? "(missing)"}\n  generated: ${want[i] ?? "(nothing)"}\n` +
                `Fix: node packaging/gen-tool-table.mjs --write ${checkFile}`);
  process.exit(1);
} else if (writeFile) {
  const { before, after } = section(readFileSync(writeFile, "utf8"), writeFile);
  writeFileSync(writeFile, `${before}\n${generated}\n${after}`);
  console.log(`gen-tool-table: wrote the tool table into ${writeFile}`);
} else {
  console.log(generated);
}
