#!/usr/bin/env bash
# Runs the official Agent Skills validator (npm skills-ref, tested with 0.1.5) on every skill.
# Usage: tests/skills/run_skills_ref.sh [repo-root]
# The validator binary: $SKILLS_REF if set, else skills-ref on PATH, else
# tests/e2e/node_modules/.bin/skills-ref (where a pinned `npm ci` would put it). Nothing is
# downloaded here: install it first, e.g. `npm install skills-ref@0.1.5` in tests/e2e or a temp dir.
set -euo pipefail
root="${1:-$(cd "$(dirname "$0")/../.." && pwd)}"
bin="${SKILLS_REF:-}"
if [ -z "$bin" ]; then
  if command -v skills-ref >/dev/null 2>&1; then bin=skills-ref
  elif [ -x "$root/tests/e2e/node_modules/.bin/skills-ref" ]; then bin="$root/tests/e2e/node_modules/.bin/skills-ref"
  else echo "skills-ref not found (set SKILLS_REF or npm install skills-ref@0.1.5)" >&2; exit 2
  fi
fi
passed=0 failed=0
for dir in "$root"/skills/*/; do
  if "$bin" validate "${dir%/}"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "skills-ref: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
