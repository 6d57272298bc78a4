#!/usr/bin/env bash
# Claude Code plugin checks with the pinned CLI (no login, no network: a throw-away HOME, telemetry off):
# `claude plugin validate --strict` on the marketplace and (with --profile directory) on the plugin, a
# negative control (no README -> refused), the sensitive api_key and sandbox userConfig wiring, the launcher
# under a faked uname, one copy of each carried library, then a real install (marketplace add + plugin
# install with the sandbox setting and no key), `claude mcp list` reporting the plugin's server connected,
# a tools/call made by Claude Code itself (a local stand-in for the model, claude-tool-call.mjs) answered
# by the embedded sandbox, and `claude mcp add fini -- <installed binary> serve --sandbox` (and
# --base-url <sim> + key) connected.
#   packaging/test-plugin.sh BIN [SIM]     Prints `plugin: N passed, M failed`; exit 1 if any failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
bin=$(realpath "${1:?usage: test-plugin.sh BIN [SIM]}")
sim=${2:+$(realpath "$2")}
claude=${CLAUDE:-$repo/tests/e2e/node_modules/.bin/claude}
work=$(mktemp -d "${TMPDIR:-/tmp}/fini-test-plugin.XXXXXX")
sim_pid=
cleanup() { [[ -n $sim_pid ]] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export HOME=$work/home DISABLE_TELEMETRY=1 DISABLE_ERROR_REPORTING=1 DISABLE_AUTOUPDATER=1 \
       CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
unset ANTHROPIC_API_KEY CLAUDE_CONFIG_DIR
mkdir -p "$HOME" "$work/project"
cd "$work/project" || exit 1
passed=0 failed=0
ok() { echo "ok   - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1"; [[ -n ${2:-} ]] && sed 's/^/       /' <<<"$2"; failed=$((failed + 1)); }
cl() { timeout 120 "$claude" "$@" 2>&1; }

echo "claude $(cl --version)"
market=$work/claude-plugin
if out=$("$here/make-plugin.sh" "$bin" "$market" 2>&1); then ok "make-plugin"; else bad "make-plugin" "$out"; fi

# 1. validators
if out=$(cl plugin validate --strict "$market") && grep -q 'Validation passed' <<<"$out"; then
  ok "claude plugin validate --strict <marketplace>"; else bad "validate marketplace" "$out"; fi
if out=$(cl plugin validate --strict --profile directory "$market/fini") && grep -q 'Validation passed' <<<"$out" \
   && grep -q 'These checks found nothing to report' <<<"$out"; then
  ok "claude plugin validate --strict --profile directory <plugin>"
  grep -E '^Validating|^Hosts:|found nothing|Validation passed' <<<"$out" | sed 's/^/       /'
else bad "validate --profile directory" "$out"; fi
cp -r "$market/fini" "$work/no-readme" && rm "$work/no-readme/README.md"
if out=$(cl plugin validate --profile directory "$work/no-readme"); then bad "negative control: no README accepted" "$out"
elif grep -q README_MISSING <<<"$out"; then ok "negative control: --profile directory refuses a plugin without README"
else bad "negative control failed for another reason" "$out"; fi

elf=$market/fini/bin/fini-mcp-linux-x64
readelf -d "$elf" | grep -qF '(RPATH)              Library rpath: [$ORIGIN/lib]' \
  && ok "bin/fini-mcp-linux-x64 has DT_RPATH exactly \$ORIGIN/lib" || bad "bin/fini-mcp-linux-x64 rpath" "$(readelf -d "$elf" | grep PATH)"
out=$(env -u LD_LIBRARY_PATH ldd "$elf" | awk -v lib="$market/fini/bin/lib/" '
  /not found/ { print; next } $2 == "=>" && $1 !~ /^(libc|libm|ld-linux[-a-z0-9_]*)\.so/ && index($3, lib) != 1 { print }')
[[ -z $out ]] && ok "ldd: bin/fini-mcp-linux-x64 resolves every non-libc library in bin/lib" || bad "ldd bin/fini-mcp-linux-x64" "$out"
if out=$("$here/check-libs.sh" "$elf" "$market/fini/bin/lib"); then ok "${out#check-libs: }"; else bad "bin/lib duplicates" "$out"; fi
# The launcher as packaged (remote connector URL filled in) under a faked uname.
if out=$("$here/test-launcher.sh" "$market/fini/bin/fini-mcp" 2>&1); then ok "bin/fini-mcp launcher: $(tail -1 <<<"$out")"
  grep 'Darwin arm64' <<<"$out" | sed 's/^/       /'
else bad "bin/fini-mcp launcher" "$out"; fi
grep -q 'remote connector: https://' "$market/fini/bin/fini-mcp" && ! grep -q '@REMOTE_URL@' "$market/fini/bin/fini-mcp" \
  && ok "launcher names the remote connector URL" || bad "launcher URL not filled in"

# 2. the manifests say what the issue asks
if out=$(node -e '
  const fs = require("fs"), d = process.argv[1];
  const p = JSON.parse(fs.readFileSync(d + "/.claude-plugin/plugin.json")), m = JSON.parse(fs.readFileSync(d + "/.mcp.json"));
  const fail = (s) => { console.error(s); process.exit(1); };
  const k = p.userConfig?.api_key;
  if (p.name !== "fini" || !p.version || !p.license || !p.homepage || !p.repository || !p.keywords?.length) fail("plugin.json metadata");
  if (!k || k.sensitive !== true || k.required !== false) fail("userConfig.api_key " + JSON.stringify(k));
  const sb = p.userConfig?.sandbox;
  if (sb?.type !== "boolean" || sb.default !== false || sb.title !== "Use the built-in sandbox (no key)") fail("sandbox " + JSON.stringify(sb));
  if (!/Linux x86-64/.test(p.description)) fail("description names no platform");
  const s = m.mcpServers?.fini;
  if (s?.command !== "${CLAUDE_PLUGIN_ROOT}/bin/fini-mcp" || s.args[0] !== "serve") fail(".mcp.json command");
  if (s.env?.FINI_API_KEY !== "${user_config.api_key}") fail(".mcp.json env " + JSON.stringify(s.env));
  if (s.env?.FINI_SANDBOX !== "${user_config.sandbox}") fail(".mcp.json FINI_SANDBOX " + JSON.stringify(s.env));
  if (JSON.stringify(p.network?.hosts) !== JSON.stringify(["api-prod.usefini.com"])) fail("network hosts");
  for (const f of ["README.md", "LICENSE", "icon.png", "bin/fini-mcp", "bin/fini-mcp-linux-x64", "manifests", "skills"])
    if (!fs.existsSync(d + "/" + f)) fail("missing " + f);
  const want = fs.readdirSync(process.argv[2]).filter((n) => fs.existsSync(process.argv[2] + "/" + n + "/SKILL.md"));
  const have = fs.readdirSync(d + "/skills").filter((n) => fs.existsSync(d + "/skills/" + n + "/SKILL.md"));
  if (want.join() !== have.join()) fail("skills " + have);
  console.log("api_key " + JSON.stringify(k));' "$market/fini" "$repo/skills" 2>&1); then ok "plugin.json/.mcp.json: sensitive api_key -> FINI_API_KEY, network hosts, README/LICENSE/icon, all skills"
else bad "plugin manifests" "$out"; fi

# 3. install it with the sandbox setting and no key, and let Claude Code start the server
if out=$(cl plugin marketplace add "$market") && out2=$(cl plugin install fini@fini-mcp --config sandbox=true); then
  ok "claude plugin marketplace add + plugin install fini@fini-mcp --config sandbox=true (no key)"; else bad "install" "$out ${out2:-}"; fi
# 4. `claude mcp add` with an installed binary (the `make install` layout), plus a broken server as a control
prefix=$work/prefix
install -d "$prefix/bin" "$prefix/share/fini-mcp"
install -m 0755 "$elf" "$prefix/bin/fini-mcp"   # the relocatable copy + its libraries
cp -r "$market/fini/bin/lib" "$prefix/bin/"
cp -r "$repo/manifests" "$repo/skills" "$prefix/share/fini-mcp/"
cl mcp add fini -- "$prefix/bin/fini-mcp" serve --sandbox >/dev/null || bad "claude mcp add fini"
cl mcp add broken -- /bin/false >/dev/null
if [[ -n $sim ]]; then
  "$sim" --port 0 --log-level error >"$work/sim.out" 2>/dev/null & sim_pid=$!
  for _ in $(seq 100); do [[ -s $work/sim.out ]] && break; sleep 0.05; done
  url=$(grep -oE '"url":"[^"]+"' "$work/sim.out" | head -1 | cut -d'"' -f4)
  cl mcp add fini-sim -e FINI_API_KEY=fini_sandbox_acme_rw_1d9a7e3c52 -- "$prefix/bin/fini-mcp" serve --base-url "$url" >/dev/null
fi
list=$(cl mcp list)
echo "$list" | grep -v '^$' | sed 's/^/       /'
grep -qE '^plugin:fini:fini: .*bin/fini-mcp serve .*✔ Connected' <<<"$list" && ok "claude mcp list: plugin:fini:fini connected" \
  || bad "plugin server not connected"
grep -qE "^fini: $prefix/bin/fini-mcp serve --sandbox - ✔ Connected" <<<"$list" && ok "claude mcp list: fini (installed binary, serve --sandbox) connected" \
  || bad "fini --sandbox not connected"
if [[ -n $sim ]]; then
  grep -qE '^fini-sim: .*serve --base-url http://127.0.0.1:[0-9]+ - ✔ Connected' <<<"$list" \
    && ok "claude mcp list: fini-sim (FINI_API_KEY + --base-url sandbox) connected" || bad "fini-sim not connected"
fi
# Claude Code itself calls a tool of the installed plugin (the model is a local stand-in): the sandbox answers.
if out=$(node "$here/claude-tool-call.mjs" --claude "$claude" --tool __list_agents --allow mcp__plugin_fini_fini 2>&1) \
   && node -e 'const r = JSON.parse(process.argv[1]); process.exit(r.isError === false && /Support Agent/.test(r.text) ? 0 : 1)' "$(head -1 <<<"$out")"; then
  ok "Claude Code tools/call $(node -p 'JSON.parse(process.argv[1]).tool' "$(head -1 <<<"$out")") through the plugin, no key: answered by the embedded sandbox"
else bad "tools/call through the plugin" "${out:0:1500}"; fi
grep -qE '^broken: /bin/false' <<<"$list" && ! grep -qE '^broken: .*✔ Connected' <<<"$list" \
  && ok "control: a server that exits is not reported connected" || bad "control server reported connected"

echo "plugin: $passed passed, $failed failed"
[[ $failed == 0 ]]
