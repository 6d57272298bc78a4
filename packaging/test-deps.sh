#!/usr/bin/env bash
# What `make install` and `make bundle`/`make plugin` would apt-get install, read from `make -n` (the
# print-deps target): exactly the runtime build list below for install (compilers, cmake, -dev packages),
# plus Node for bundle/plugin; never a test tool, a browser or a service. The packages it names ship no
# systemd unit or init script (checked in dpkg's file lists where installed here).
#   packaging/test-deps.sh        Prints `deps: N passed, M failed`; exit 1 if any failed.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
passed=0 failed=0
ok() { echo "ok   - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1"; [[ -n ${2:-} ]] && sed 's/^/       /' <<<"$2"; failed=$((failed + 1)); }

runtime="build-essential ca-certificates cmake libcli11-dev libcpp-httplib-dev libspdlog-dev libsqlite3-dev
libsqlitecpp-dev libssl-dev nlohmann-json3-dev pkg-config"
never='^(nginx.*|chromium.*|apache2.*|clang.*|libclang.*|libgtest-dev|libgmock-dev|googletest|json-schema-test-suite|curl|openssl|systemd|nodejs|npm)$'
want=$(tr -s ' \n' '\n' <<<"$runtime" | grep -v '^$' | sort -u)

deps() { make -s -C "$repo" --no-print-directory print-deps TARGET="$1" 2>&1; }
install_deps=$(deps install)
[[ $install_deps == "$want" ]] && ok "make install would apt-get exactly the runtime list ($(wc -l <<<"$install_deps") packages)" \
  || bad "make install apt list differs from the runtime list" "$(diff <(echo "$want") <(echo "$install_deps"))"
for target in install release bundle plugin; do
  got=$(deps "$target")
  hits=$(grep -E "$never" <<<"$got" | grep -vxE 'nodejs|npm' || true)
  [[ $target == install || $target == release ]] && hits=$(grep -E "$never" <<<"$got" || true)
  [[ -z $hits ]] && ok "make $target installs no test tool, browser or service ($(tr '\n' ' ' <<<"$got"))" \
    || bad "make $target would install test packages" "$hits"
done
# Control: the test tier's list does carry them, so the grep above can fire.
test_deps=$(deps packaging-test)
grep -qx nginx <<<"$test_deps" && grep -qx chromium <<<"$test_deps" && ok "control: make packaging-test lists nginx and chromium" \
  || bad "control: the test list lacks nginx/chromium" "$test_deps"
# No package on the runtime list ships a service (where dpkg has its file list here).
units=$(for p in $install_deps; do f=/var/lib/dpkg/info/$p.list; [[ -f $f ]] || f=/var/lib/dpkg/info/$p:amd64.list
          [[ -f $f ]] && grep -E '^/(usr/)?lib/systemd/system/[^/]+\.(service|socket)$|^/etc/init\.d/' "$f"; done)
[[ -z $units ]] && ok "no runtime package ships a systemd unit or init script" || bad "runtime packages ship services" "$units"
# make -n install runs no npm, no systemctl, no service.
plan=$(make -n -C "$repo" --no-print-directory install PREFIX=/nonexistent 2>&1)
grep -qE '\bnpm\b|systemctl|service |chromium' <<<"$plan" && bad "make -n install mentions npm/systemctl/service" "$plan" \
  || ok "make -n install: no npm, no systemctl"

# make bundle / make plugin use packaging's own npm lock, never the e2e tool set (Claude Code, browsers).
for target in bundle plugin; do
  plan=$(make -n -C "$repo" --no-print-directory "$target" 2>&1)
  grep -qE 'tests/e2e|conformance-next' <<<"$plan" && bad "make -n $target touches the e2e npm tools" "$(grep -E 'tests/e2e|conformance' <<<"$plan")" \
    || ok "make -n $target: no e2e npm tools$([[ $target == bundle ]] && echo ' (npm: packaging/npm-install.sh only)')"
done

echo "deps: $passed passed, $failed failed"
[[ $failed == 0 ]]
