#!/usr/bin/env bash
# Secret scan of the working tree with secretlint (from npm, pinned; its recommended rule preset:
# cloud and API keys, private keys, tokens in URLs, .npmrc auth, ...). Exits non-zero on a finding.
# The tree's own test fixtures that look like secrets belong in security/secretlintignore, with a reason.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .test-output/scan
npm exec --yes --package=secretlint@11.7.1 --package=@secretlint/secretlint-rule-preset-recommend@11.7.1 -- \
  secretlint --secretlintrc security/secretlintrc.json --secretlintignore security/secretlintignore \
  --format table --output .test-output/scan/secrets.txt "**/*" || status=$?
cat .test-output/scan/secrets.txt 2>/dev/null || true
if [ "${status:-0}" -ne 0 ]; then
  echo "secret scan: FAILED (see above; report in .test-output/scan/secrets.txt)" >&2
  exit "$status"
fi
echo "secret scan: no secrets found"
