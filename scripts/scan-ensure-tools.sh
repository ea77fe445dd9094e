#!/usr/bin/env bash
# `npm run scan` drives Debian's wapiti (3.0.4) and sqlmap (1.7.2). They are installed from Debian's
# packages when missing and we are root (as scripts/ensure-chromium.sh does for Chromium); elsewhere
# this says what to install.
set -euo pipefail
missing=()
for tool in wapiti sqlmap; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} from Debian's packages..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "npm run scan needs ${missing[*]}: install Debian's packages (sudo apt-get install wapiti sqlmap) and run it again." >&2
exit 1
