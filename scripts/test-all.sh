#!/usr/bin/env bash
# `npm test`: every check ChargeKeep has, in one run, ending with one totals line.
#   static checks (ESLint with Next + security rules and dependency-cruiser: `npm run lint`, TypeScript, the ASVS table: docs/security/asvs.md) -> Vitest on PGlite ->
#   production build -> Vitest on PostgreSQL (when DATABASE_URL is set; the multi-instance test uses the build) -> Playwright in Chromium.
# Each runner writes JSON into .test-output/; scripts/sum-results.mjs adds them up.
set -uo pipefail
cd "$(dirname "$0")/.."
out=.test-output
rm -rf "$out/results" && mkdir -p "$out/results"
export NEXT_TELEMETRY_DISABLED=1

check() { # name, command...: a static check counts as one test
  local name=$1; shift
  echo "== $name"
  if "$@"; then echo '{"passed":1,"failed":0}' > "$out/results/$name.json"
  else echo '{"passed":0,"failed":1}' > "$out/results/$name.json"; fi
}

bash scripts/ensure-chromium.sh || echo "!! no Chromium: the end-to-end tests will fail"
bash scripts/ensure-openssh.sh || echo "!! no OpenSSH client: the SFTP tests will fail"
bash scripts/ensure-ssh-audit.sh || echo "!! no ssh-audit: the SFTP algorithm audit will fail"

check lint npm run --silent lint
check typecheck npx tsc --noEmit
check asvs node scripts/check-asvs.mjs

echo "== unit and integration tests on PGlite"
env -u DATABASE_URL npx vitest run --reporter=default --reporter=json --outputFile.json="$out/results/vitest-pglite.json"

# Built before the PostgreSQL pass: tests/multi-instance runs two production instances of it there.
echo "== production build (the multi-instance test and the end-to-end tests)"
built=0
if NEXT_DIST_DIR=.next-e2e npx next build > "$out/build-e2e.log" 2>&1; then
  built=1
  echo '{"passed":1,"failed":0}' > "$out/results/build.json"
else
  tail -40 "$out/build-e2e.log"
  echo '{"passed":0,"failed":1}' > "$out/results/build.json"
fi

if [ -n "${DATABASE_URL:-}" ]; then
  echo "== unit and integration tests on PostgreSQL"
  npx vitest run --reporter=default --reporter=json --outputFile.json="$out/results/vitest-postgres.json"
fi

if [ "$built" = 1 ]; then
  echo "== end-to-end tests in Chromium"
  npx playwright test
  [ -f "$out/playwright.json" ] && cp "$out/playwright.json" "$out/results/playwright.json"
fi

node scripts/sum-results.mjs "$out/results"
