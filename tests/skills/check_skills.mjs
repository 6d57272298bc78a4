#!/usr/bin/env node
// Checks the Claude skill pack in <repo>/skills against the Agent Skills format and the tool list.
// Usage: node tests/skills/check_skills.mjs [repo-root]   (Node >= 18, no npm dependencies)
//
// Per skill (skills/<name>/SKILL.md): frontmatter parses (YAML subset below), only the fields the
// spec allows, name == folder / [a-z0-9-] / <= 64 / no leading, trailing or double hyphen,
// description 1..1024 chars without '<' '>', compatibility <= 500, body under 500 lines,
// relative links resolve inside the skill folder, every references/*.md is linked from SKILL.md,
// every backticked snake_case name is a real tool. Pack level: every tool in
// tests/contract/endpoints.json is mentioned by at least one SKILL.md, and skills/README.md names
// every skill. Tool names come from manifests/**/<tool>.json when manifests/ has tool files,
// otherwise from the contract list (said in the output).
//
// Output: one "FAIL <where>: <why>" line per failure, then exactly "skills: N passed, M failed"
// (N/M count skills; each pack-level failure adds one to M). Exit 0 only when M == 0.
//
// YAML subset understood (what skills-ref's js-yaml would read the same way): top-level
// "key: value" with plain, 'single' or "double" quoted scalars, block scalars (| or > with an
// optional - or + chomping indicator), and one level of nested "key: value" mapping (metadata).
// Plain scalars that real YAML would misread (containing ": " or " #", or starting with an
// indicator character) are reported instead of being guessed at.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const kAllowedFields = new Set(['name', 'description', 'license', 'compatibility', 'metadata', 'allowed-tools']);
const kMaxNameLength = 64;
const kMaxDescriptionLength = 1024;
const kMaxCompatibilityLength = 500;
const kMaxBodyLines = 500; // the body must stay UNDER this many lines
const kNamePattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const kReservedNameWords = ['anthropic', 'claude'];
// An inline code span that is exactly a snake_case identifier (optionally followed by "(...)")
// is read as a tool name. Write other snake_case words as a dotted path or in a fenced block.
const kToolSpan = /^([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?:\(.*\))?$/;

class YamlError extends Error {}

function unquoteDouble(raw, where) {
  // JSON's escapes are a subset of YAML's double-quoted escapes; good enough for frontmatter.
  try {
    return JSON.parse(raw);
  } catch {
    throw new YamlError(`${where}: unsupported double-quoted string ${raw}`);
  }
}

function parseScalar(raw, where) {
  const v = raw.trim();
  if (v === '') return '';
  if (v.startsWith('"')) {
    if (!v.endsWith('"') || v.length < 2) throw new YamlError(`${where}: unterminated double-quoted string`);
    return unquoteDouble(v, where);
  }
  if (v.startsWith("'")) {
    if (!v.endsWith("'") || v.length < 2) throw new YamlError(`${where}: unterminated single-quoted string`);
    return v.slice(1, -1).replace(/''/g, "'");
  }
  if (/^[\[\]{}&*!|>%@`,?#-]/.test(v) && !/^-[^\s-]/.test(v)) {
    throw new YamlError(`${where}: plain value starts with a YAML indicator character; quote it`);
  }
  if (v.includes(': ') || v.endsWith(':')) throw new YamlError(`${where}: plain value contains ': '; quote it`);
  if (v.includes(' #')) throw new YamlError(`${where}: plain value contains ' #' (a YAML comment); quote it`);
  return v;
}

// Parses the frontmatter text (between the --- lines) into a plain object.
export function parseFrontmatter(text) {
  const lines = text.split('\n');
  const out = {};
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '' || line.trimStart().startsWith('#')) { i++; continue; }
    if (/^\s/.test(line)) throw new YamlError(`frontmatter line ${i + 1}: unexpected indentation`);
    const m = /^([A-Za-z0-9_-]+):(?:\s+(.*))?$/.exec(line);
    if (!m) throw new YamlError(`frontmatter line ${i + 1}: expected "key: value"`);
    const key = m[1];
    const rest = (m[2] ?? '').trim();
    if (Object.hasOwn(out, key)) throw new YamlError(`frontmatter line ${i + 1}: duplicate key '${key}'`);
    i++;
    const block = /^([|>])([-+]?)$/.exec(rest);
    if (block) {
      const body = [];
      while (i < lines.length && (lines[i].trim() === '' || /^\s/.test(lines[i]))) body.push(lines[i++]);
      while (body.length && body[body.length - 1].trim() === '') body.pop();
      const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
      const stripped = body.map((l) => l.slice(Math.min(indent, l.length)));
      let value;
      if (block[1] === '|') {
        value = stripped.join('\n');
      } else {
        // Folded: single newlines become spaces, blank lines stay newlines.
        value = stripped.reduce((acc, l, idx) => {
          if (idx === 0) return l;
          if (l === '') return `${acc}\n`;
          return acc.endsWith('\n') ? acc + l : `${acc} ${l}`;
        }, '');
      }
      out[key] = block[2] === '-' ? value : `${value}\n`;
      continue;
    }
    if (rest === '') {
      // Nested one-level mapping (metadata).
      const map = {};
      while (i < lines.length && (lines[i].trim() === '' || /^\s/.test(lines[i]))) {
        const sub = lines[i++];
        if (sub.trim() === '') continue;
        const sm = /^\s+([A-Za-z0-9_.-]+):(?:\s+(.*))?$/.exec(sub);
        if (!sm) throw new YamlError(`frontmatter line ${i}: expected "  key: value" under '${key}'`);
        map[sm[1]] = parseScalar(sm[2] ?? '', `frontmatter '${key}.${sm[1]}'`);
      }
      out[key] = map;
      continue;
    }
    out[key] = parseScalar(rest, `frontmatter '${key}'`);
  }
  return out;
}

// Splits SKILL.md into frontmatter text and body lines, or throws YamlError.
export function splitSkillFile(content) {
  const text = content.replace(/\r\n/g, '\n');
  if (!text.startsWith('---\n')) throw new YamlError('SKILL.md must start with a --- frontmatter line');
  const end = text.indexOf('\n---', 3);
  if (end < 0) throw new YamlError('frontmatter is not closed with ---');
  const fm = text.slice(4, end + 1);
  const afterClose = text.slice(end + 4);
  if (!/^\n|^$/.test(afterClose)) throw new YamlError('closing --- must be on a line of its own');
  // skills-ref splits the file on every "---"; a second one inside the frontmatter breaks it.
  if (fm.includes('---')) throw new YamlError("frontmatter contains '---' (breaks skills-ref's parser)");
  // Like skills-ref, ignore blank lines around the body when counting.
  const body = afterClose.replace(/^(?:[ \t]*\n)+/, '').replace(/\s+$/, '');
  return { frontmatter: fm, bodyLines: body === '' ? [] : body.split('\n') };
}

// Inline code spans outside fenced code blocks.
export function inlineCodeSpans(markdown) {
  const spans = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) { fenced = !fenced; continue; }
    if (fenced) continue;
    for (const m of line.matchAll(/`([^`\n]+)`/g)) spans.push(m[1]);
  }
  return spans;
}

export function toolMentions(markdown) {
  const names = new Set();
  for (const span of inlineCodeSpans(markdown)) {
    const m = kToolSpan.exec(span.trim());
    if (m) names.add(m[1]);
  }
  return names;
}

// Relative link targets of [text](target) outside fenced code blocks (no scheme, no #anchor-only).
export function relativeLinks(markdown) {
  const links = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) { fenced = !fenced; continue; }
    if (fenced) continue;
    const noCode = line.replace(/`[^`\n]*`/g, '');
    for (const m of noCode.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
      links.push(target.split('#')[0]);
    }
  }
  return links;
}

function listJsonFiles(dir) {
  const found = [];
  if (!fs.existsSync(dir)) return found;
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) found.push(...listJsonFiles(p));
    else if (ent.isFile() && ent.name.endsWith('.json') && !ent.name.endsWith('.schema.json')) found.push(p);
  }
  return found;
}

function loadContractTools(root) {
  const file = path.join(root, 'tests', 'contract', 'endpoints.json');
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  return new Set(doc.endpoints.map((e) => e.tool));
}

function checkSkill(root, skillDir, knownTools, fail) {
  const name = path.basename(skillDir);
  const where = name;
  const skillMd = path.join(skillDir, 'SKILL.md');
  const mentioned = new Set();
  if (!fs.existsSync(skillMd)) {
    fail(where, 'missing SKILL.md');
    return mentioned;
  }
  const content = fs.readFileSync(skillMd, 'utf8');
  let meta;
  let bodyLines;
  try {
    const parts = splitSkillFile(content);
    meta = parseFrontmatter(parts.frontmatter);
    bodyLines = parts.bodyLines;
  } catch (e) {
    if (!(e instanceof YamlError)) throw e;
    fail(where, e.message);
    return mentioned;
  }

  for (const key of Object.keys(meta)) {
    if (!kAllowedFields.has(key)) fail(where, `unexpected frontmatter field '${key}' (allowed: ${[...kAllowedFields].join(', ')})`);
  }
  const skillName = typeof meta.name === 'string' ? meta.name.trim() : '';
  if (!skillName) {
    fail(where, "frontmatter 'name' is missing or empty");
  } else {
    if (skillName !== name) fail(where, `name '${skillName}' does not match folder '${name}'`);
    if (skillName.length > kMaxNameLength) fail(where, `name is ${skillName.length} chars (max ${kMaxNameLength})`);
    if (!kNamePattern.test(skillName)) fail(where, `name '${skillName}' must be [a-z0-9-] without leading, trailing or double hyphens`);
    for (const word of kReservedNameWords) {
      if (skillName.includes(word)) fail(where, `name must not contain the reserved word '${word}'`);
    }
  }
  const desc = typeof meta.description === 'string' ? meta.description.trim() : '';
  if (!desc) {
    fail(where, "frontmatter 'description' is missing or empty");
  } else {
    if (desc.length > kMaxDescriptionLength) fail(where, `description is ${desc.length} chars (max ${kMaxDescriptionLength})`);
    if (/[<>]/.test(desc)) fail(where, "description must not contain '<' or '>'");
  }
  if (meta.compatibility !== undefined) {
    if (typeof meta.compatibility !== 'string') fail(where, "'compatibility' must be a string");
    else if (meta.compatibility.length > kMaxCompatibilityLength) fail(where, `compatibility is ${meta.compatibility.length} chars (max ${kMaxCompatibilityLength})`);
  }
  if (meta.metadata !== undefined && (typeof meta.metadata !== 'object' || meta.metadata === null)) {
    fail(where, "'metadata' must be a mapping");
  }
  if (bodyLines.length >= kMaxBodyLines) fail(where, `body has ${bodyLines.length} lines (must be under ${kMaxBodyLines})`);
  if (bodyLines.join('').trim() === '') fail(where, 'body is empty');

  const body = bodyLines.join('\n');
  const docs = [{ file: 'SKILL.md', text: body, countsForCoverage: true }];
  const linked = new Set();
  const checkLinks = (file, text) => {
    const fromDir = path.dirname(path.join(skillDir, file));
    for (const target of relativeLinks(text)) {
      if (target === '') continue;
      const resolved = path.resolve(fromDir, decodeURIComponent(target));
      const rel = path.relative(skillDir, resolved);
      if (rel.startsWith('..') || path.isAbsolute(rel)) {
        fail(where, `${file}: link '${target}' leaves the skill folder`);
        continue;
      }
      if (!fs.existsSync(resolved)) {
        fail(where, `${file}: link '${target}' does not exist`);
        continue;
      }
      if (file === 'SKILL.md') linked.add(rel.split(path.sep).join('/'));
    }
  };
  checkLinks('SKILL.md', body);

  const refDir = path.join(skillDir, 'references');
  if (fs.existsSync(refDir)) {
    for (const ent of fs.readdirSync(refDir, { withFileTypes: true })) {
      if (!ent.isFile() || !ent.name.endsWith('.md')) continue;
      const rel = `references/${ent.name}`;
      const text = fs.readFileSync(path.join(refDir, ent.name), 'utf8');
      docs.push({ file: rel, text, countsForCoverage: false });
      checkLinks(rel, text);
      if (!linked.has(rel)) fail(where, `${rel} is not linked from SKILL.md`);
    }
  }

  for (const doc of docs) {
    for (const tool of toolMentions(doc.text)) {
      if (!knownTools.has(tool)) fail(where, `${doc.file}: \`${tool}\` is not a known tool`);
      else if (doc.countsForCoverage) mentioned.add(tool);
    }
  }
  return mentioned;
}

export function run(root, log = console.log) {
  const contractTools = loadContractTools(root);
  const manifestFiles = listJsonFiles(path.join(root, 'manifests'));
  let knownTools;
  if (manifestFiles.length > 0) {
    knownTools = new Set(manifestFiles.map((f) => path.basename(f, '.json')));
    log(`note: tool names from ${manifestFiles.length} manifest file(s) under manifests/`);
  } else {
    knownTools = new Set(contractTools);
    log('note: manifests/ has no tool files yet; tool names checked against tests/contract/endpoints.json');
  }
  // Local tools served next to the manifest tools (server/export/), not Fini endpoints.
  for (const local of ['export', 'query_export']) knownTools.add(local);

  const skillsDir = path.join(root, 'skills');
  const skillDirs = fs.existsSync(skillsDir)
    ? fs.readdirSync(skillsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(skillsDir, e.name)).sort()
    : [];

  let passed = 0;
  let failed = 0;
  const failedSkills = new Set();
  const fail = (where, why) => {
    log(`FAIL ${where}: ${why}`);
    failedSkills.add(where);
  };
  const covered = new Set();
  for (const dir of skillDirs) {
    for (const tool of checkSkill(root, dir, knownTools, fail)) covered.add(tool);
    if (failedSkills.has(path.basename(dir))) failed++;
    else passed++;
  }

  let packFailures = 0;
  const packFail = (why) => {
    log(`FAIL (pack): ${why}`);
    packFailures++;
  };
  if (skillDirs.length === 0) packFail('no skills found under skills/');
  for (const tool of [...contractTools].sort()) {
    if (!covered.has(tool)) packFail(`tool \`${tool}\` is not mentioned by any SKILL.md`);
  }
  const readme = path.join(skillsDir, 'README.md');
  if (!fs.existsSync(readme)) {
    packFail('skills/README.md is missing');
  } else {
    const text = fs.readFileSync(readme, 'utf8');
    for (const dir of skillDirs) {
      const name = path.basename(dir);
      if (!text.includes(name)) packFail(`skills/README.md does not list '${name}'`);
    }
  }
  failed += packFailures;
  log(`skills: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..'));
  try {
    process.exitCode = run(root);
  } catch (e) {
    console.log(`FAIL (checker): ${e.message}`);
    console.log('skills: 0 passed, 1 failed');
    process.exitCode = 2;
  }
}
