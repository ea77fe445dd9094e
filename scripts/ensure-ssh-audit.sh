#!/usr/bin/env bash
# lib/sftp/ssh-audit.test.ts has Debian's ssh-audit (an outside auditor of SSH algorithm policy)
# check the SFTP server. Installed when missing and we are root; elsewhere this says what to install.
set -euo pipefail
if command -v ssh-audit >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ssh-audit from Debian's packages..."
  apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq ssh-audit >/dev/null
  exit 0
fi
echo "ssh-audit is needed by lib/sftp/ssh-audit.test.ts: install the ssh-audit package." >&2
exit 1
