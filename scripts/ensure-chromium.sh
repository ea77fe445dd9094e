#!/usr/bin/env bash
# The end-to-end tests use the system Chromium (browsers cannot be downloaded on our machines).
# Debian's package is installed when missing and we are root; elsewhere Playwright's own download.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium from Debian's packages..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "No system Chromium; asking Playwright to download its own."
npx playwright install chromium
