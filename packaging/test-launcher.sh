#!/usr/bin/env bash
# The plugin launcher (packaging/launcher.sh) under a faked uname: on Linux x86-64 it execs the native
# binary with every argument; on macOS, Windows (Git Bash/MSYS) and Linux arm64 it prints exactly one
# line on stderr naming the build's platform and the remote connector, nothing on stdout, exit 1.
#   packaging/test-launcher.sh [LAUNCHER]     Prints `launcher: N passed, M failed`; exit 1 if any failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/fini-test-launcher.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { echo "ok   - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1"; [[ -n ${2:-} ]] && sed 's/^/       /' <<<"$2"; failed=$((failed + 1)); }

remote=https://example.test/fini-mcp#run-it-as-a-remote-server
mkdir -p "$work/bin" "$work/fake"
if [[ -n ${1:-} ]]; then cp "$1" "$work/bin/fini-mcp"; remote=$(grep -o 'remote connector: [^"]*' "$1" | cut -d' ' -f3)
else sed "s|@REMOTE_URL@|$remote|" "$here/launcher.sh" >"$work/bin/fini-mcp"; fi
chmod +x "$work/bin/fini-mcp"
printf '#!/bin/sh\necho "native $*"\n' >"$work/bin/fini-mcp-linux-x64"; chmod +x "$work/bin/fini-mcp-linux-x64"

# fake_uname OS ARCH: a uname first on PATH answering -s and -m.
fake_uname() { printf '#!/bin/sh\ncase "$1" in -s) echo "%s";; -m) echo "%s";; *) echo "%s";; esac\n' "$1" "$2" "$1" >"$work/fake/uname"
               chmod +x "$work/fake/uname"; }
run() { (cd / && PATH="$work/fake:/usr/bin:/bin" "$work/bin/fini-mcp" serve --sandbox >"$work/out" 2>"$work/err"); echo $?; }

fake_uname Linux x86_64
rc=$(run)
[[ $rc == 0 && $(cat "$work/out") == "native serve --sandbox" && ! -s $work/err ]] \
  && ok "Linux x86_64: execs fini-mcp-linux-x64 with every argument" || bad "Linux x86_64 (rc $rc)" "$(cat "$work/out" "$work/err")"
for plat in "Darwin arm64" "Darwin x86_64" "MINGW64_NT-10.0-19045 x86_64" "Linux aarch64"; do
  # shellcheck disable=SC2086
  fake_uname $plat
  rc=$(run)
  want="fini-mcp: this build is for Linux x86-64 (this machine: $plat); on macOS/Windows use the remote connector: $remote"
  if [[ $rc == 1 && ! -s $work/out && $(cat "$work/err") == "$want" && $(wc -l <"$work/err") == 1 ]]; then
    ok "$plat: one line on stderr, nothing on stdout, exit 1"
  else bad "$plat (rc $rc)" "stdout: $(cat "$work/out")
stderr: $(cat "$work/err")"; fi
done
rm "$work/fake/uname"
rc=$(run)
[[ $rc == 0 && $(cat "$work/out") == "native serve --sandbox" ]] && ok "this machine's own uname ($(uname -s) $(uname -m)): execs the native binary" \
  || bad "real uname (rc $rc)" "$(cat "$work/out" "$work/err")"

echo "launcher: $passed passed, $failed failed"
[[ $failed == 0 ]]
